import { DEFAULT_ACCOUNT } from './account-name.js';
import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import { DEFAULT_OPTIONS, ZUMRAILS_ENVIRONMENTS } from './defaults.js';
import { describeValue, holdsPassword, withoutPassword } from './describe-value.js';
import { resolveTransportOptions } from './resolve-transport-options.js';
import { resolveApiRetry } from './resolve-api-retry.js';
import { resolveRateLimits } from './resolve-rate-limits.js';
import { resolveSharingOptions } from './resolve-sharing-options.js';
import { REDACTED } from '../util/redact.js';
import { showOnly } from '../logging/module-logger.js';
import type {
  ResolvedZumRailsAuthOptions,
  ZumRailsAuthOptions,
  ZumRailsStartupMode,
} from './zumrails-auth-options.interface.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STARTUP_MODES: readonly ZumRailsStartupMode[] = ['background', 'blocking', 'lazy'];

/**
 * Validates user options and applies defaults, once. Throws `ZumRailsConfigError` naming the
 * field and the fix. The password is checked for presence only and never echoed, nor is any
 * value that contains it (two swapped settings); enum-like values show a masked preview only.
 */
export function resolveOptions(
  options: ZumRailsAuthOptions | undefined,
  account: string = DEFAULT_ACCOUNT,
): ResolvedZumRailsAuthOptions {
  try {
    return validate(options, account);
  } catch (error) {
    throw withoutPassword(error, options?.password);
  }
}

function validate(
  options: ZumRailsAuthOptions | undefined,
  account: string,
): ResolvedZumRailsAuthOptions {
  assertOptionsObject(options);
  if (Object.hasOwn(options, 'name')) {
    throw new ZumRailsConfigError(
      'name',
      'goes beside useFactory, forRootAsync({ name, useFactory }), not in the options it returns',
    );
  }
  const retry = options.retry ?? {};
  const baseUrl = resolveBaseUrl(options);
  const resolved: ResolvedZumRailsAuthOptions = {
    account,
    baseUrl,
    username: requireText(
      'username',
      options.username,
      'set it to the API username from the Zum Rails portal',
    ),
    password: requireText(
      'password',
      options.password,
      'set it to the API password from the Zum Rails portal',
    ),
    refreshLeadTimeMs: duration(
      'refreshLeadTimeMs',
      options.refreshLeadTimeMs,
      DEFAULT_OPTIONS.refreshLeadTimeMs,
      0,
      DAY,
    ),
    fallbackTokenTtlMs: duration(
      'fallbackTokenTtlMs',
      options.fallbackTokenTtlMs,
      DEFAULT_OPTIONS.fallbackTokenTtlMs,
      1_000,
      7 * DAY,
    ),
    requestTimeoutMs: duration(
      'requestTimeoutMs',
      options.requestTimeoutMs,
      DEFAULT_OPTIONS.requestTimeoutMs,
      1,
      5 * 60_000,
    ),
    tokenWaitTimeoutMs: duration(
      'tokenWaitTimeoutMs',
      options.tokenWaitTimeoutMs,
      DEFAULT_OPTIONS.tokenWaitTimeoutMs,
      1,
      10 * 60_000,
    ),
    retry: {
      initialDelayMs: duration(
        'retry.initialDelayMs',
        retry.initialDelayMs,
        DEFAULT_OPTIONS.retry.initialDelayMs,
        1,
        HOUR,
      ),
      maxDelayMs: duration(
        'retry.maxDelayMs',
        retry.maxDelayMs,
        DEFAULT_OPTIONS.retry.maxDelayMs,
        1,
        HOUR,
      ),
    },
    credentialsRejectedCooldownMs: duration(
      'credentialsRejectedCooldownMs',
      options.credentialsRejectedCooldownMs,
      DEFAULT_OPTIONS.credentialsRejectedCooldownMs,
      1_000,
      DAY,
    ),
    maxLoginsPerMinute: count(
      'maxLoginsPerMinute',
      options.maxLoginsPerMinute,
      DEFAULT_OPTIONS.maxLoginsPerMinute,
      600,
      options.password,
    ),
    maxRetryAfterMs: duration(
      'maxRetryAfterMs',
      options.maxRetryAfterMs,
      DEFAULT_OPTIONS.maxRetryAfterMs,
      1_000,
      HOUR,
    ),
    renewalJitterMs: duration(
      'renewalJitterMs',
      options.renewalJitterMs,
      DEFAULT_OPTIONS.renewalJitterMs,
      0,
      HOUR,
    ),
    revokeOnShutdown: flag(
      'revokeOnShutdown',
      options.revokeOnShutdown,
      options.store === undefined
        ? DEFAULT_OPTIONS.revokeOnShutdown
        : DEFAULT_OPTIONS.revokeOnShutdownWithStore,
      options.password,
    ),
    revokeTimeoutMs: duration(
      'revokeTimeoutMs',
      options.revokeTimeoutMs,
      DEFAULT_OPTIONS.revokeTimeoutMs,
      1,
      60_000,
    ),
    startup: startupMode(options.startup, options.password),
    transport: resolveTransportOptions(options.transport, baseUrl),
    apiRetry: resolveApiRetry(options.apiRetry),
    sharing: resolveSharingOptions(options),
    rateLimits: resolveRateLimits(options.rateLimits, baseUrl, options.password),
  };
  if (resolved.retry.maxDelayMs < resolved.retry.initialDelayMs) {
    throw new ZumRailsConfigError('retry.maxDelayMs', 'must be at least retry.initialDelayMs');
  }
  if (resolved.tokenWaitTimeoutMs < resolved.requestTimeoutMs) {
    throw new ZumRailsConfigError(
      'tokenWaitTimeoutMs',
      `must be at least requestTimeoutMs (${resolved.requestTimeoutMs} ms), or callers give up before one login can finish`,
    );
  }
  showOnly(resolved, 'ZumRailsAuthOptions', optionsView);
  return resolved;
}

/** The options as logs and `JSON.stringify` show them: no password, proxy password or store key. */
function optionsView(options: ResolvedZumRailsAuthOptions): Record<string, unknown> {
  const { transport, sharing } = options;
  const typeOf = (value: object | undefined) => value?.constructor.name;
  return {
    ...options,
    password: REDACTED,
    // The proxy's credentials show their username only (see resolveTransportOptions).
    transport: {
      ...transport,
      httpAgent: typeOf(transport.httpAgent),
      httpsAgent: typeOf(transport.httpsAgent),
    },
    sharing: sharing && {
      store: typeOf(sharing.store),
      timeoutMs: sharing.timeoutMs,
      encryptionKey: sharing.encryptionKey && REDACTED,
    },
  };
}

/**
 * Refuses anything but an options object (e.g. `forRoot(undefined)`).
 * @throws ZumRailsConfigError naming `options`.
 */
export function assertOptionsObject(options: unknown): asserts options is ZumRailsAuthOptions {
  if (!options || typeof options !== 'object') {
    throw new ZumRailsConfigError(
      'options',
      'ZumRailsAuthModule needs { baseUrl | environment, username, password }',
    );
  }
}

function resolveBaseUrl(options: ZumRailsAuthOptions): string {
  const { baseUrl, environment } = options;
  if (baseUrl !== undefined && environment !== undefined) {
    throw new ZumRailsConfigError('baseUrl', 'give either baseUrl or environment, not both');
  }
  if (environment !== undefined) {
    if (typeof environment !== 'string' || !Object.hasOwn(ZUMRAILS_ENVIRONMENTS, environment)) {
      throw new ZumRailsConfigError(
        'environment',
        `must be 'sandbox' or 'production', got ${describeValue(environment, options.password)}`,
      );
    }
    return ZUMRAILS_ENVIRONMENTS[environment];
  }
  if (baseUrl === undefined || baseUrl === '') {
    throw new ZumRailsConfigError(
      'baseUrl',
      "missing: set environment ('sandbox' | 'production') or baseUrl",
    );
  }
  if (holdsPassword(baseUrl, options.password)) {
    throw new ZumRailsConfigError('baseUrl', `is ${describeValue(baseUrl, options.password)}`);
  }
  return validateUrl(baseUrl);
}

function validateUrl(value: unknown): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ZumRailsConfigError(
      'baseUrl',
      'is not a valid absolute URL (e.g. https://api-sandbox.zumrails.com)',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ZumRailsConfigError('baseUrl', `must use https, got ${url.protocol}`);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new ZumRailsConfigError(
      'baseUrl',
      'must use https: plain http would send the password in clear (http is allowed for loopback hosts only)',
    );
  }
  if (url.username || url.password) {
    throw new ZumRailsConfigError(
      'baseUrl',
      'must not contain credentials; use the username and password options',
    );
  }
  if (url.search || url.hash) {
    throw new ZumRailsConfigError('baseUrl', 'must not contain a query string or fragment');
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function requireText(field: string, value: unknown, fix: string): string {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw new ZumRailsConfigError(field, `must be a string, got a ${typeof value}: ${fix}`);
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ZumRailsConfigError(field, `is missing or empty: ${fix}`);
  }
  return value;
}

function duration(
  field: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ZumRailsConfigError(
      field,
      `must be a finite number of milliseconds, got ${typeof value === 'string' ? 'a string (convert it with Number())' : describeValue(value, undefined)}`,
    );
  }
  if (value < min || value > max) {
    throw new ZumRailsConfigError(field, `must be between ${min} and ${max} ms, got ${value}`);
  }
  return value;
}

function count(
  field: string,
  value: unknown,
  fallback: number,
  max: number,
  password: unknown,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    const got = describeValue(value, password);
    throw new ZumRailsConfigError(field, `must be an integer between 1 and ${max}, got ${got}`);
  }
  return value;
}

function flag(field: string, value: unknown, fallback: boolean, password: unknown): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    const got = describeValue(value, password);
    throw new ZumRailsConfigError(field, `must be true or false, got ${got}`);
  }
  return value;
}

function startupMode(value: unknown, password: unknown): ZumRailsStartupMode {
  if (value === undefined) return DEFAULT_OPTIONS.startup;
  if (!STARTUP_MODES.includes(value as ZumRailsStartupMode)) {
    throw new ZumRailsConfigError(
      'startup',
      `must be one of ${STARTUP_MODES.join(', ')}, got ${describeValue(value, password)}`,
    );
  }
  return value as ZumRailsStartupMode;
}
