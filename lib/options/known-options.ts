import type { ZumRailsWebhookDeduplicateOptions } from '../webhooks/deduplicate-options.js';
import type {
  ZumRailsApiRetryOptions,
  ZumRailsAuthOptions,
  ZumRailsRateLimitOptions,
  ZumRailsRetryOptions,
  ZumRailsTransportOptions,
} from './zumrails-auth-options.interface.js';

/** Every key of `T`, each `true`: forgetting one (or listing one `T` lacks) is a compile error. */
type KeysOf<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Every top-level option. Adding an option to `ZumRailsAuthOptions` without a line here does
 * not compile, so the unknown-option warning can never flag a real option.
 */
export const KNOWN_OPTIONS: KeysOf<ZumRailsAuthOptions> = {
  baseUrl: true,
  environment: true,
  username: true,
  password: true,
  refreshLeadTimeMs: true,
  fallbackTokenTtlMs: true,
  requestTimeoutMs: true,
  tokenWaitTimeoutMs: true,
  retry: true,
  credentialsRejectedCooldownMs: true,
  maxLoginsPerMinute: true,
  maxRetryAfterMs: true,
  renewalJitterMs: true,
  revokeOnShutdown: true,
  revokeTimeoutMs: true,
  startup: true,
  store: true,
  storeEncryptionKey: true,
  storeTimeoutMs: true,
  logger: true,
  transport: true,
  meterProvider: true,
  webhookSecret: true,
  deduplicate: true,
  apiRetry: true,
  rateLimits: true,
};

/** Keys of `T`, checked at compile time like `KNOWN_OPTIONS`. */
function nested<T>(keys: KeysOf<T>): Readonly<Record<string, true>> {
  return keys;
}

/**
 * Options that are plain objects of settings, with their own known keys: one line each.
 * (Objects the app builds, such as `store` or `logger`, are not checked.)
 */
export const KNOWN_NESTED_OPTIONS: { readonly [K in keyof ZumRailsAuthOptions]?: object } = {
  deduplicate: nested<ZumRailsWebhookDeduplicateOptions>({
    store: true,
    ttlMs: true,
    claimTtlMs: true,
    storeTimeoutMs: true,
    namespace: true,
  }),
  retry: nested<ZumRailsRetryOptions>({ initialDelayMs: true, maxDelayMs: true }),
  transport: nested<ZumRailsTransportOptions>({ httpAgent: true, httpsAgent: true, proxy: true }),
  apiRetry: nested<ZumRailsApiRetryOptions>({
    maxRetries: true,
    initialDelayMs: true,
    maxDelayMs: true,
    maxRetryAfterMs: true,
  }),
  rateLimits: nested<ZumRailsRateLimitOptions>({ rules: true, maxWaitMs: true }),
};
