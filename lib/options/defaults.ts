import type {
  ZumRailsEnvironment,
  ZumRailsRateLimitRule,
} from './zumrails-auth-options.interface.js';

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
  /**
   * The module's own keep-alive agents (one http, one https), shared by login and API calls.
   * 50 sockets cap the parallel calls to the vendor (more wait in the agent's queue); idle
   * sockets close after 4 s, before the usual server idle timeouts (Node 5 s, ALB 60 s,
   * nginx 75 s), so a request is rarely sent on a socket the server is closing.
   */
  agent: { maxSockets: 50, maxFreeSockets: 10, idleSocketTimeoutMs: 4_000 },
  /** Safe retries of API calls (see `ZumRailsApiRetryOptions`). */
  apiRetry: { maxRetries: 2, initialDelayMs: 200, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 },
  /** At most this many logins per rolling minute, whatever triggers them. */
  maxLoginsPerMinute: 10,
  /** Longest wait honoured from a `Retry-After` (plus up to 10% jitter): the vendor's 5-minute block. */
  maxRetryAfterMs: 5 * 60_000,
  /** Largest API response body read by `ZumRailsHttpService`, after decompression (per-request `maxContentLength` overrides). */
  apiMaxContentLength: 10 * 1024 * 1024,
  /** Longest a call waits for a slot of a rate limit: one vendor window. */
  rateLimitMaxWaitMs: 5 * 60_000,
} as const;

const FIVE_MINUTES = 5 * 60_000;

/**
 * The vendor's documented API limits per environment (see the Zum Rails API reference): over
 * them, the caller's IP is blocked for 5 minutes. Logins have their own budget.
 */
export const VENDOR_RATE_LIMITS: Readonly<
  Record<ZumRailsEnvironment, readonly ZumRailsRateLimitRule[]>
> = {
  production: [
    { path: '/api/*/filter', limit: 100, windowMs: FIVE_MINUTES },
    { path: '/api/transaction/*', methods: ['GET'], limit: 100, windowMs: FIVE_MINUTES },
  ],
  sandbox: [{ path: '/api/*', limit: 300, windowMs: FIVE_MINUTES }],
};
