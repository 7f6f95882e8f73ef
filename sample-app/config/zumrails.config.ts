import { ConfigService } from '@nestjs/config';
import type { ZumRailsAuthOptions } from 'nestjs-zumrails-auth';
import type { SampleEnv } from './env.validation.js';

/** Maps validated environment variables to module options. */
export function zumRailsOptionsFrom(config: ConfigService<SampleEnv, true>): ZumRailsAuthOptions {
  const environment = config.get('ZUMRAILS_ENVIRONMENT', { infer: true });
  const baseUrl = config.get('ZUMRAILS_BASE_URL', { infer: true });
  return {
    ...(environment ? { environment } : { baseUrl }),
    username: config.get('ZUMRAILS_USERNAME', { infer: true }),
    password: config.get('ZUMRAILS_PASSWORD', { infer: true }),
  };
}
