import type { ZumRailsEnvironment } from './zumrails-auth-options.interface.js';

/** API base URLs of the vendor's environments (see the Zum Rails API reference). */
export const ZUMRAILS_ENVIRONMENTS: Readonly<Record<ZumRailsEnvironment, string>> = {
  sandbox: 'https://api-sandbox.zumrails.com',
  production: 'https://api-app.zumrails.com',
};

/** Every default, in one place. */
export const DEFAULT_OPTIONS = {
  refreshLeadTimeMs: 5 * 60_000,
  fallbackTokenTtlMs: 55 * 60_000,
  requestTimeoutMs: 10_000,
  tokenWaitTimeoutMs: 15_000,
  retry: { initialDelayMs: 1_000, maxDelayMs: 60_000 },
  credentialsRejectedCooldownMs: 60_000,
  renewalJitterMs: 30_000,
  revokeOnShutdown: true,
  /** With a shared store, one replica shutting down must not cancel the fleet's token. */
  revokeOnShutdownWithStore: false,
  storeTimeoutMs: 250,
  revokeTimeoutMs: 2_000,
  startup: 'background',
} as const;
