import { ConfigService } from '@nestjs/config';
import type { ZumRailsAuthOptions } from 'nestjs-zumrails-auth';
import type { SampleEnv } from './env.validation.js';

/** The named account of the second API user (`ZUMRAILS_PAYOUTS_*`). */
export const PAYOUTS = 'payouts';

/** Maps one account's validated environment variables to module options. */
export function zumRailsOptionsFrom(
  config: ConfigService<SampleEnv, true>,
  account: 'zumrails' | 'payouts',
): ZumRailsAuthOptions {
  const { environment, baseUrl, username, password } = config.get(account, { infer: true });
  const options = { ...(environment ? { environment } : { baseUrl }), username, password };
  // Webhooks are checked with the default account's secret.
  if (account === 'zumrails')
    return { ...options, webhookSecret: config.get('webhookSecret', { infer: true }) };
  return options;
}
