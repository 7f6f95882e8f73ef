import {
  agent,
  baseUrl,
  deduplicationStore,
  encryptionKey,
  flag,
  integer,
  loggerOption,
  ms,
  namespace,
  oneOf,
  proxy,
  rateLimitRules,
  requiredText,
  tokenStore,
  webhookSecrets,
  withMethods,
} from './option-checks.js';
import {
  computed,
  DAY,
  DEFAULT_OPTIONS,
  HOUR,
  MINUTE,
  vendorRules,
  ZUMRAILS_ENVIRONMENTS,
  type OptionTable,
} from './option-spec.js';
import type {
  ZumRailsApiRetryOptions,
  ZumRailsAuthOptions,
  ZumRailsLoginRetryOptions,
  ZumRailsRateLimitOptions,
  ZumRailsTransportOptions,
  ZumRailsWebhookDeduplicateOptions,
  ZumRailsWebhookModuleOptions,
} from './zumrails-auth-options.interface.js';

const LOGIN_RETRY: OptionTable<ZumRailsLoginRetryOptions> = {
  initialDelayMs: {
    type: 'number (ms)',
    default: 1_000,
    check: ms(1, HOUR),
    doc: 'Backoff cap of the first retry after a failed login (exponential, full jitter).',
  },
  maxDelayMs: {
    type: 'number (ms)',
    default: MINUTE,
    check: ms(1, HOUR),
    doc: 'Largest backoff between two login attempts; at least `initialDelayMs`.',
  },
};

const API_RETRY: OptionTable<ZumRailsApiRetryOptions> = {
  maxRetries: {
    type: 'integer',
    default: 2,
    check: integer(0, 5),
    doc: 'Retries after the first attempt, 0 to 5.',
  },
  initialDelayMs: {
    type: 'number (ms)',
    default: 200,
    check: ms(0, MINUTE),
    doc: 'Backoff before the first retry; doubles for each further one (each wait drawn between half and all of it).',
  },
  maxDelayMs: {
    type: 'number (ms)',
    default: 2_000,
    check: ms(0, MINUTE),
    doc: 'Largest backoff between two attempts; at least `initialDelayMs`.',
  },
  maxRetryAfterMs: {
    type: 'number (ms)',
    default: 5_000,
    check: ms(0, MINUTE),
    doc: 'Longest 429 `Retry-After` waited for; a longer one (or none) goes to the caller at once.',
  },
};

const RATE_LIMITS: OptionTable<ZumRailsRateLimitOptions> = {
  rules: {
    type: '`{ path, methods?, limit, windowMs }[]`',
    ...computed(
      (_, root) => vendorRules(root),
      "the vendor's limits for the two Zum Rails URLs, none for others",
    ),
    check: rateLimitRules,
    doc: 'Budgets (at most 50; given rules replace the defaults): `limit` calls (1–100000) matching `path` and `methods` in any `windowMs` (100–86400000).',
  },
  maxWaitMs: {
    type: 'integer (ms)',
    default: 5 * MINUTE,
    check: integer(0, HOUR),
    doc: 'Longest a call waits for a slot; a call whose slot cannot come in time fails at once.',
  },
};

const TRANSPORT: OptionTable<ZumRailsTransportOptions> = {
  httpAgent: {
    type: '`http.Agent`',
    defaultDoc: "the module's keep-alive agent",
    check: agent('http'),
    doc: 'Agent for `http://` base URLs; yours is used as is and never destroyed.',
  },
  httpsAgent: {
    type: '`https.Agent`',
    defaultDoc: "the module's keep-alive agent",
    check: agent('https'),
    doc: 'Agent for `https://` base URLs (private CA, client certificate, socket limits).',
  },
  proxy: {
    type: '`AxiosProxyConfig \\| false`',
    defaultDoc: '`HTTP_PROXY`/`HTTPS_PROXY`',
    check: proxy,
    doc: 'Forward proxy `{ protocol?, host, port, auth? }` (HTTPS tunnelled with CONNECT), or `false` to ignore the environment.',
  },
};

/** `deduplicate`, in `ZumRailsAuthModule` and `ZumRailsWebhookModule` alike. */
export const DEDUPLICATE: OptionTable<ZumRailsWebhookDeduplicateOptions> = {
  store: {
    type: '`ZumRailsTokenStore`',
    required: true,
    check: deduplicationStore,
    doc: 'Where replicas claim deliveries, e.g. the Redis store of the token.',
  },
  claimTtlMs: {
    type: 'integer (ms)',
    default: 30_000,
    check: ms(100, 10 * MINUTE, true),
    doc: 'How long a dead replica blocks redeliveries of its delivery (renewed while the handler runs).',
  },
  ttlMs: {
    type: 'integer (ms)',
    default: 72 * HOUR,
    check: (value, at) => ms(100, 30 * DAY, true)(value, at),
    doc: 'How long a handled delivery is remembered (a redelivery answers 2xx); at least `claimTtlMs`.',
  },
  storeTimeoutMs: {
    type: 'integer (ms)',
    ...computed(
      (level) => Math.min(1_000, Math.floor((level.claimTtlMs as number) / 3)),
      '`1000` (at most a third of `claimTtlMs`)',
    ),
    check: ms(10, 200_000, true),
    doc: 'Upper bound of one store call; a slow store answers 503 and never runs the handler; at most a third of `claimTtlMs`.',
  },
  namespace: {
    type: 'string',
    defaultDoc: "the account (baseUrl and username), `'default'` in `ZumRailsWebhookModule`",
    check: namespace,
    doc: 'Keeps the deliveries of different Zum Rails accounts apart in one store.',
  },
};

/** Every option of `ZumRailsAuthModule`, in the order of the docs. */
export const AUTH_OPTIONS: OptionTable<ZumRailsAuthOptions> = {
  environment: {
    type: "`'sandbox' \\| 'production'`",
    check: oneOf(Object.keys(ZUMRAILS_ENVIRONMENTS)),
    doc: "Picks the vendor's base URL. Give this or `baseUrl`.",
  },
  baseUrl: {
    type: 'string',
    check: baseUrl,
    doc: 'Any base URL instead of an environment: `https`, or `http` for loopback hosts (fakes).',
  },
  username: {
    type: 'string',
    required: true,
    check: requiredText('set it to the API username from the Zum Rails portal'),
    doc: 'API username from the portal (Settings > Webhook & API settings).',
  },
  password: {
    type: 'string',
    required: true,
    check: requiredText('set it to the API password from the Zum Rails portal'),
    doc: 'API password. Never logged, never in an error.',
  },
  startup: {
    type: "`'background' \\| 'blocking' \\| 'lazy'`",
    default: 'background',
    check: oneOf(['background', 'blocking', 'lazy']),
    doc: '`background`: log in at bootstrap without delaying it; `blocking`: bootstrap waits for the first token; `lazy`: on first use.',
  },
  refreshLeadTimeMs: {
    type: 'number (ms)',
    default: 5 * MINUTE,
    check: ms(0, DAY),
    doc: 'Renew this long before expiry; capped at half the token lifetime.',
  },
  fallbackTokenTtlMs: {
    type: 'number (ms)',
    default: 55 * MINUTE,
    check: ms(1_000, 7 * DAY),
    doc: 'Lifetime assumed when the token has no readable JWT `exp`/`iat`.',
  },
  requestTimeoutMs: {
    type: 'number (ms)',
    default: DEFAULT_OPTIONS.requestTimeoutMs,
    check: ms(1, 5 * MINUTE),
    doc: 'Overall deadline of every call to Zum Rails (connect, headers, whole body); per request: `zumRailsTimeoutMs`.',
  },
  tokenWaitTimeoutMs: {
    type: 'number (ms)',
    default: 15_000,
    check: ms(1, 10 * MINUTE),
    doc: 'Longest a caller waits for a token when none is valid; at least `requestTimeoutMs`.',
  },
  loginRetry: {
    type: 'object',
    fields: LOGIN_RETRY,
    doc: 'Backoff of failed logins (renewals).',
  },
  retry: {
    type: 'object',
    aliasOf: 'loginRetry',
    doc: 'Deprecated: the old name of `loginRetry` (one warning per module).',
  },
  credentialsRejectedCooldownMs: {
    type: 'number (ms)',
    default: MINUTE,
    check: ms(1_000, DAY),
    doc: 'After Zum Rails rejects the credentials, no new login for this long; callers get the rejection at once.',
  },
  maxLoginsPerMinute: {
    type: 'integer',
    default: 10,
    check: integer(1, 600),
    doc: 'Login budget per rolling minute, whatever triggers the logins; over it callers get a local rate-limited error.',
  },
  maxRetryAfterMs: {
    type: 'number (ms)',
    default: 5 * MINUTE,
    check: ms(1_000, HOUR),
    doc: 'Longest login `Retry-After` honoured; a longer one is cut to this plus up to 10% jitter.',
  },
  renewalJitterMs: {
    type: 'number (ms)',
    default: 30_000,
    check: ms(0, HOUR),
    doc: 'Spreads the renewals of many replicas (capped at 10% of the lifetime).',
  },
  store: {
    type: '`ZumRailsTokenStore`',
    check: tokenStore,
    doc: 'Shares one token between replicas (e.g. the Redis store); see "Running many replicas".',
  },
  storeEncryptionKey: {
    type: 'string \\| `Uint8Array`',
    check: encryptionKey,
    doc: 'Encrypts the shared token record (AES-256-GCM): 32 random bytes as hex or base64 (`openssl rand -base64 32`).',
  },
  storeTimeoutMs: {
    type: 'number (ms)',
    default: 250,
    check: ms(1, 10_000),
    doc: 'Upper bound of one store call; a slower store makes this replica log in on its own.',
  },
  revokeOnShutdown: {
    type: 'boolean',
    ...computed((level) => level.store === undefined, '`true` (`false` with a `store`)'),
    check: flag,
    doc: 'Cancels the token (`PATCH /api/authorize/canceltoken`) when the app shuts down.',
  },
  revokeTimeoutMs: {
    type: 'number (ms)',
    default: 2_000,
    check: ms(1, MINUTE),
    doc: 'Upper bound of that cancel call.',
  },
  logger: {
    type: '`LoggerService \\| false`',
    defaultDoc: "Nest's `Logger`",
    check: loggerOption,
    doc: 'Where the module logs (structured records), or `false` for nowhere.',
  },
  meterProvider: {
    type: '`MeterProvider`',
    defaultDoc: 'the global one, when `@opentelemetry/api` is installed',
    check: withMethods(['getMeter'], 'an OpenTelemetry MeterProvider (with getMeter())'),
    doc: 'Where the metrics go.',
  },
  transport: {
    type: 'object',
    fields: TRANSPORT,
    doc: 'Agents and proxy of every call to Zum Rails, login included.',
  },
  apiRetry: {
    type: 'object \\| `false`',
    fields: API_RETRY,
    off: (defaults) => ({ ...defaults, maxRetries: 0 }),
    doc: 'Safe retries of API calls (idempotent methods or an `idempotency-key`); `false`: none.',
  },
  rateLimits: {
    type: 'object \\| `false`',
    fields: RATE_LIMITS,
    off: (defaults) => ({ ...defaults, rules: [] }),
    doc: 'Budgets of API calls, shared by the fleet through `store`; `false`: none.',
  },
  webhookSecret: {
    type: 'string \\| string[]',
    check: webhookSecrets,
    doc: 'Webhook Secret(s) `ZumRailsWebhookGuard` checks signatures with (`[new, old]` while rotating); default account only.',
  },
  deduplicate: {
    type: 'object',
    fields: DEDUPLICATE,
    optional: true,
    doc: "Runs each webhook delivery's handler once across the replicas sharing `deduplicate.store`; default account only.",
  },
};

/** Every option of `ZumRailsWebhookModule`. */
export const WEBHOOK_MODULE_OPTIONS: OptionTable<ZumRailsWebhookModuleOptions> = {
  secret: {
    type: 'string \\| string[]',
    required: true,
    check: (value, at) =>
      value === undefined
        ? webhookSecrets('', at) // "is missing or empty"
        : webhookSecrets(value, at),
    doc: 'The Webhook Secret(s) from the portal (`[new, old]` while rotating). Never logged.',
  },
  deduplicate: AUTH_OPTIONS.deduplicate,
};
