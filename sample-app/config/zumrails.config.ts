import { ConfigService } from '@nestjs/config';
import { ZumRailsInMemoryTokenStore, type ZumRailsAuthOptions } from 'nestjs-zumrails-auth';
import type { SampleEnv } from './env.validation.js';

/**
 * Where webhook deliveries are claimed, so a repeated one runs the handler once. One process
 * here; a fleet gives every replica `new ZumRailsRedisTokenStore(redis)` on the same Redis.
 */
const webhookDeliveries = new ZumRailsInMemoryTokenStore();

/** The named account of the second API user (`ZUMRAILS_PAYOUTS_*`). */
export const PAYOUTS = 'payouts';

/** Maps one account's validated environment variables to module options. */
export function zumRailsOptionsFrom(
  config: ConfigService<SampleEnv, true>,
  account: 'zumrails' | 'payouts',
): ZumRailsAuthOptions {
  const { environment, baseUrl, username, password } = config.get(account, { infer: true });
  const options = { ...(environment ? { environment } : { baseUrl }), username, password };
  // Webhooks are checked with the default account's secret, and each delivery handled once.
  if (account === 'zumrails') {
    const webhookSecret = config.get('webhookSecret', { infer: true });
    return { ...options, webhookSecret, deduplicate: { store: webhookDeliveries } };
  }
  return options;
}
