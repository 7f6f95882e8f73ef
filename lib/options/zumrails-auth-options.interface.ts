import type { LoggerService } from '@nestjs/common';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { AxiosProxyConfig } from 'axios';
import type { ZumRailsMeterProvider } from '../metrics/zumrails-metrics.js';
import type { TokenStore } from '../store/token-store.interface.js';

/** The two Zum Rails environments; they share nothing, credentials included. */
export type ZumRailsEnvironment = 'sandbox' | 'production';

/**
 * When the first token is obtained.
 * - `background` (default): login starts at application bootstrap without delaying it;
 *   failures are logged and retried.
 * - `blocking`: bootstrap waits for the first token and the app fails to start when it
 *   cannot get one (for example rejected credentials).
 * - `lazy`: nothing happens until the first `getToken()`.
 */
export type ZumRailsStartupMode = 'background' | 'blocking' | 'lazy';

/** `loginRetry`: exponential backoff with full jitter between failed logins (renewals). */
export interface ZumRailsLoginRetryOptions {
  /** Backoff cap for the first retry, in ms. Default 1000. */
  initialDelayMs?: number;
  /** Largest backoff between two attempts, in ms. Default 60000. */
  maxDelayMs?: number;
}

/** @deprecated use {@link ZumRailsLoginRetryOptions}; removed in 2.0. */
export type ZumRailsRetryOptions = ZumRailsLoginRetryOptions;

/**
 * How every call to Zum Rails (login, cancel, `ZumRailsHttpService`, `ZumRailsClient`) reaches the network, with
 * axios' own types. Each field left out keeps the module's default.
 */
export interface ZumRailsTransportOptions {
  /**
   * Agent for `http://` base URLs (loopback fakes). Default: the module's keep-alive agent
   * (see `httpsAgent`). Yours is used as is and never destroyed by the module.
   */
  httpAgent?: HttpAgent;
  /**
   * Agent for `https://` base URLs: a private CA (`ca`), a client certificate (`cert`, `key`,
   * `pfx`), socket limits. Default: one keep-alive agent per module shared by login and API
   * calls, at most 50 sockets, idle sockets closed after 4 s, destroyed on shutdown. Yours is
   * used as is and never destroyed by the module.
   */
  httpsAgent?: HttpsAgent;
  /**
   * Forward proxy, e.g. `{ protocol: 'http', host: 'proxy.corp', port: 3128, auth }`; HTTPS
   * targets are tunnelled with `CONNECT` (TLS stays end to end; needs axios >= 1.17). `false`
   * ignores the `HTTP_PROXY`/`HTTPS_PROXY` environment variables. Default: what axios does,
   * i.e. the environment variables (`NO_PROXY` honoured). `auth` is never logged nor echoed.
   */
  proxy?: AxiosProxyConfig | false;
}

/**
 * Retries of API calls that are safe to repeat: GET, HEAD and OPTIONS, and any request that
 * carries an `idempotency-key` header (every POST gets one). Retried on 429 with a
 * `Retry-After` up to `maxRetryAfterMs`, on 502, 503 and 504, and on a connection reset or
 * timeout before any response; never on another 4xx, on 500 or on an `isError` answer. All
 * attempts together stay within the request's overall deadline (`requestTimeoutMs`, or the
 * request's `timeout` when longer). One warning is logged per retry.
 */
export interface ZumRailsApiRetryOptions {
  /** Retries after the first attempt, 0 to 5. Default 2. */
  maxRetries?: number;
  /**
   * Backoff before the first retry, in ms; doubles for each further retry (capped at
   * `maxDelayMs`), and each wait is drawn between half and all of it. Default 200.
   */
  initialDelayMs?: number;
  /** Largest backoff between two attempts, in ms. Default 2000. */
  maxDelayMs?: number;
  /**
   * Longest `Retry-After` of a 429 the client waits for before retrying; a longer one, or a 429
   * without `Retry-After`, goes to the caller at once. Default 5000.
   */
  maxRetryAfterMs?: number;
}

/**
 * One budget of API calls: at most `limit` calls matching `path` (and `methods`) in any window
 * of `windowMs`, counted across the fleet when the module has a `store`.
 */
export interface ZumRailsRateLimitRule {
  /**
   * The API path the rule covers, as the vendor documents it: literal segments (case ignored),
   * `*` for exactly one segment (`/api/*\/filter`), and a final `*` for one or more segments
   * (`/api/transaction/*`). The query string is never part of the match.
   */
  path: string;
  /** HTTP methods covered, e.g. `['GET']`. Default: every method. */
  methods?: readonly string[];
  /** Calls allowed in any window of `windowMs`: an integer from 1 to 100000. */
  limit: number;
  /** Length of the sliding window, in ms: 100 to 86400000 (a day). */
  windowMs: number;
}

/** Budgets of API calls (see {@link ZumRailsRateLimitRule}) and how long a call may wait for one. */
export interface ZumRailsRateLimitOptions {
  /**
   * The budgets; given rules replace the defaults. Default: the vendor's documented limits when
   * `baseUrl` is a Zum Rails environment (production: 100 per 5 min on `/api/*\/filter` and
   * on `GET /api/transaction/*`; sandbox: 300 per 5 min on `/api/*`), none for other URLs.
   */
  rules?: readonly ZumRailsRateLimitRule[];
  /**
   * Longest a call waits for a slot, in ms (0 to 3600000); the call's own deadline
   * (`requestTimeoutMs`, or its `zumRailsTimeoutMs`) bounds it too. A call whose slot cannot
   * come in time fails at once with a `ZumRailsRateLimitedError` (`source: 'api-budget'`).
   * Default 300000 (one vendor window).
   */
  maxWaitMs?: number;
}

/** Options of `ZumRailsAuthModule.forRoot()` / the factory of `forRootAsync()`. */
export interface ZumRailsAuthOptions {
  /**
   * API base URL, e.g. `https://api-sandbox.zumrails.com`. Give this or `environment`, not both.
   * `http://` is accepted only for loopback hosts (tests, local fakes).
   */
  baseUrl?: string;
  /** Picks the vendor's base URL for `sandbox` or `production`. Give this or `baseUrl`. */
  environment?: ZumRailsEnvironment;
  /** API username from the Zum Rails portal (Settings > Webhook & API settings). Required. */
  username: string;
  /** API password. Required; never logged or included in errors. */
  password: string;
  /** Renew this long before expiry (capped at half the token lifetime). Default 300000 (5 min). */
  refreshLeadTimeMs?: number;
  /** Token lifetime assumed when the token carries no readable `exp`/`iat`. Default 3300000 (55 min). */
  fallbackTokenTtlMs?: number;
  /**
   * Overall deadline of every HTTP call to Zum Rails (login, cancel, API calls through
   * `ZumRailsHttpService`): connect, headers and the whole body, not only an idle socket.
   * A login that hits it ends, and the next attempt can start. Per API request:
   * `zumRailsTimeoutMs` in the request config. Default 10000.
   */
  requestTimeoutMs?: number;
  /**
   * Longest a caller waits for a token when none is valid, in ms; callers wait across
   * transient failures (unavailable, timeout, short rate limits) up to this. At least
   * `requestTimeoutMs`. Default 15000.
   */
  tokenWaitTimeoutMs?: number;
  /** Backoff of failed logins (renewals). Defaults: 1 s initial, 60 s max, full jitter. */
  loginRetry?: ZumRailsLoginRetryOptions;
  /**
   * @deprecated the old name of `loginRetry` (it read like `apiRetry`'s twin); removed in 2.0.
   * Still honoured, with one warning per module; giving both fails the start.
   */
  retry?: ZumRailsLoginRetryOptions;
  /**
   * After Zum Rails rejects the credentials, wait this long before the next login attempt;
   * callers get the rejection immediately meanwhile. At least 1000. Default 60000.
   */
  credentialsRejectedCooldownMs?: number;
  /**
   * Login budget of this module: at most this many logins (sent requests) per rolling minute,
   * whatever triggers them (renewal timer, callers, `refresh()`, 401 recovery, the store).
   * Beyond it, callers without a valid token get a local `ZumRailsRateLimitedError`
   * (`source: 'login-budget'`) saying when the next login is allowed. Integer 1..600.
   * Default 10 (tokens live an hour; raise it only for short-lived test tokens).
   */
  maxLoginsPerMinute?: number;
  /**
   * Longest wait honoured from a 429's `Retry-After` (seconds or HTTP date), in ms; a longer
   * one is cut to this plus up to 10% jitter. Default 300000 (the vendor's 5-minute IP block).
   */
  maxRetryAfterMs?: number;
  /** Spread renewals of many replicas over up to this many ms (capped at 10% of lifetime). Default 30000. */
  renewalJitterMs?: number;
  /**
   * Cancel the token (`PATCH /api/authorize/canceltoken`) on application shutdown. Default true,
   * but false when a `store` is set: the token is the fleet's, not this replica's.
   */
  revokeOnShutdown?: boolean;
  /** Upper bound of the cancel call at shutdown, in ms. Default 2000. */
  revokeTimeoutMs?: number;
  /** When the first token is obtained. Default `background`. */
  startup?: ZumRailsStartupMode;
  /**
   * Shares one token between the replicas of the app: one replica logs in (under a lease) when
   * renewal is due, the others read the token from here. E.g. `new ZumRailsRedisTokenStore(redis)` with
   * an ioredis client you own. Default: none; each module logs in on its own and nothing is
   * shared (no lease, no store calls).
   */
  store?: TokenStore;
  /**
   * Encrypts the shared token record at rest with AES-256-GCM. 32 random bytes as 64 hex
   * characters, base64 (`openssl rand -base64 32`) or a Uint8Array; every replica needs the
   * same key. Recommended whenever `store` is set. Default: none (the record is plain JSON).
   */
  storeEncryptionKey?: string | Uint8Array;
  /**
   * Upper bound of one store call, in ms. A slower or failing store makes this replica log in
   * on its own (never fails a caller). Default 250.
   */
  storeTimeoutMs?: number;
  /**
   * Where the module logs: any Nest `LoggerService` (e.g. `new ConsoleLogger({ json: true })`,
   * nestjs-pino's `Logger`), or `false` for no lines at all (`events$` still emits). Every line
   * is one event with fields (`event`, `fingerprint`, `attempt`, `errorCode`, ...): structured
   * loggers show them as fields. Default: Nest's `Logger` (the app's logger), context `ZumRailsAuth`.
   */
  logger?: LoggerService | false;
  /** Agents and proxy of every call to Zum Rails. Default: see {@link ZumRailsTransportOptions}. */
  transport?: ZumRailsTransportOptions;
  /**
   * Where the metrics go (`zumrails.auth.logins`, `zumrails.auth.login.duration`,
   * `zumrails.auth.token.remaining`, `zumrails.auth.waiters`, `zumrails.api.retries`): an
   * OpenTelemetry `MeterProvider`. Default: the global one of `@opentelemetry/api` when that
   * optional peer is installed, else no metrics (and no cost).
   */
  meterProvider?: ZumRailsMeterProvider;
  /**
   * The Webhook Secret from the portal (Settings > Webhook & API settings) that
   * `ZumRailsWebhookGuard` checks incoming webhooks against, or several while rotating (newest
   * first; any of them is accepted). Never logged. Default: none (the guard refuses to start
   * without a secret here or in `ZumRailsWebhookModule`).
   */
  webhookSecret?: string | readonly string[];
  /**
   * Runs each webhook delivery's handler once across the replicas sharing `deduplicate.store`
   * (see {@link ZumRailsWebhookDeduplicateOptions}; default account only). Default: none (every
   * delivery, repeated or replayed, runs the handler).
   */
  deduplicate?: ZumRailsWebhookDeduplicateOptions;
  /**
   * Safe retries of API calls (see {@link ZumRailsApiRetryOptions}); `false` turns them off.
   * Per request, `zumRailsRetry: false` in the axios config turns them off for that request.
   * Default: 2 retries, 200 ms initial backoff, 2 s max, `Retry-After` honoured up to 5 s.
   */
  apiRetry?: ZumRailsApiRetryOptions | false;
  /**
   * Budgets of API calls through `ZumRailsHttpService`, `ZumRailsClient` and
   * `attachZumRailsAuth` (retries included): a call over budget waits for a slot, in order,
   * instead of tripping the vendor's 5-minute IP block. Shared by the fleet through `store`.
   * `false`: no budgets. Default: the vendor's documented limits for the two Zum Rails
   * environments, none for any other `baseUrl` (see {@link ZumRailsRateLimitOptions}).
   */
  rateLimits?: ZumRailsRateLimitOptions | false;
}

/** Options after validation and defaults: every field is set. */
export interface ResolvedZumRailsAuthOptions {
  /** The account these options configure: `'default'` or the `name` given to `forRoot`. */
  readonly account: string;
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  readonly refreshLeadTimeMs: number;
  readonly fallbackTokenTtlMs: number;
  readonly requestTimeoutMs: number;
  readonly tokenWaitTimeoutMs: number;
  /** The `loginRetry` option (or its deprecated alias `retry`), defaults applied. */
  readonly retry: Required<ZumRailsLoginRetryOptions>;
  readonly credentialsRejectedCooldownMs: number;
  readonly maxLoginsPerMinute: number;
  readonly maxRetryAfterMs: number;
  readonly renewalJitterMs: number;
  readonly revokeOnShutdown: boolean;
  readonly revokeTimeoutMs: number;
  readonly startup: ZumRailsStartupMode;
  /** The validated `transport` option; absent fields mean the module's defaults. */
  readonly transport: Readonly<ZumRailsTransportOptions>;
  /** `maxRetries: 0` when `apiRetry: false`. */
  readonly apiRetry: Required<ZumRailsApiRetryOptions>;
  /** The `store` and its settings; undefined without a store (nothing is shared). */
  readonly sharing: ResolvedSharingOptions | undefined;
  /** The validated `rateLimits`, defaults applied; no rules when off or for other URLs. */
  readonly rateLimits: ResolvedRateLimits;
}

/** `rateLimits` after validation and defaults. */
export interface ResolvedRateLimits {
  readonly rules: readonly Readonly<ZumRailsRateLimitRule>[];
  readonly maxWaitMs: number;
}

/** How the token is shared, after validation and defaults: present only with a `store`. */
export interface ResolvedSharingOptions {
  readonly store: TokenStore;
  /** `storeTimeoutMs`. */
  readonly timeoutMs: number;
  /** The decoded 32-byte AES key of `storeEncryptionKey`, when one was given. */
  readonly encryptionKey: Buffer | undefined;
}

/**
 * `deduplicate` of `ZumRailsWebhookModule.forRoot()` and of `ZumRailsAuthModule`'s options: each
 * delivery (the SHA-256 of its verified raw body) runs the handler once across every replica
 * sharing `store`. See the README's "Delivery guarantee".
 */
export interface ZumRailsWebhookDeduplicateOptions {
  /**
   * Where replicas claim deliveries: `new ZumRailsRedisTokenStore(redis)` for a fleet (the same client
   * as the token `store` is fine; keys never collide), `new ZumRailsInMemoryTokenStore()` for one
   * process, or your own `TokenStore`. Required.
   */
  store: TokenStore;
  /**
   * How long a handled delivery is remembered: a redelivery (or a replay of a captured webhook)
   * within it answers 2xx without running the handler. Default 72 h: Zum Rails documents no
   * redelivery window, and payment vendors retry for up to 3 days; each delivery costs one small
   * key for this long.
   */
  ttlMs?: number;
  /**
   * How long a claim outlives its replica: a replica that dies mid-handler blocks redeliveries of
   * that delivery (answered 409) for at most this long. Renewed every third of it while the
   * handler runs (for up to 15 min). Default 30 s.
   */
  claimTtlMs?: number;
  /**
   * Upper bound of one store call, in ms; a slower or failing store answers 503 (the vendor
   * retries) and never runs the handler. Default 1000.
   */
  storeTimeoutMs?: number;
  /**
   * Keeps the deliveries of apps of different Zum Rails accounts apart in one store. Default:
   * the account (`ZumRailsAuthModule`: its baseUrl and username) or `'default'`
   * (`ZumRailsWebhookModule`).
   */
  namespace?: string;
}

/**
 * Options of `ZumRailsWebhookModule.forRoot()` / the factory of `forRootAsync()`: for apps that
 * receive webhooks without `ZumRailsAuthModule`'s `webhookSecret` option.
 */
export interface ZumRailsWebhookModuleOptions {
  /**
   * The Webhook Secret from the Zum Rails portal (Settings > Webhook & API settings), or several
   * while rotating (newest first; any of them is accepted). Required; never logged.
   */
  secret: string | readonly string[];
  /**
   * Runs each delivery's handler once across the replicas sharing `deduplicate.store` (see
   * {@link ZumRailsWebhookDeduplicateOptions}). Default: none (every delivery runs the handler).
   */
  deduplicate?: ZumRailsWebhookDeduplicateOptions;
}
