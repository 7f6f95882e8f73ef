/**
 * Pure timing decisions: when to renew, how long to back off after a failure, how long a
 * `Retry-After` is honoured. No I/O, no clock, no timers; randomness comes in as a number in
 * [0, 1).
 */
import {
  ZumRailsRateLimitedError,
  ZumRailsUnavailableError,
  type ZumRailsError,
} from '../errors/zumrails.errors.js';

/** setTimeout fires immediately for delays above 2^31−1 ms; stay well below. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1_000;

/** Smallest delay between two login attempts, whatever the jitter draws. */
export const MIN_RETRY_DELAY_MS = 100;

interface RenewalPolicy {
  readonly refreshLeadTimeMs: number;
  readonly renewalJitterMs: number;
}

export interface BackoffPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Delay until the token should be renewed:
 * `expiresAt − min(lead, lifetime/2) − jitter`, jitter ≤ min(renewalJitterMs, lifetime/10).
 */
export function renewalDelayMs(
  token: { readonly issuedAt: number; readonly expiresAt: number },
  now: number,
  policy: RenewalPolicy,
  random: number,
): number {
  const lifetime = token.expiresAt - token.issuedAt;
  const lead = Math.min(policy.refreshLeadTimeMs, lifetime / 2);
  const jitter = random * Math.min(policy.renewalJitterMs, lifetime / 10);
  return clampDelay(token.expiresAt - lead - jitter - now);
}

/** Exponential backoff with full jitter: uniform in [MIN, min(max, initial·2^(attempt−1))]. */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
  return clampDelay(Math.max(MIN_RETRY_DELAY_MS, random * cap));
}

/** Keeps a delay inside what setTimeout can honour. */
export function clampDelay(ms: number): number {
  return Math.min(Math.max(0, Math.round(ms)), MAX_TIMER_DELAY_MS);
}

/**
 * How long to wait after a failed login: a cool-down for rejected credentials (no loop on a
 * wrong password), at least `Retry-After` for 429 and 503, exponential backoff with full jitter
 * otherwise.
 */
export function failureDelayMs(
  error: ZumRailsError,
  attempt: number,
  policy: { readonly retry: BackoffPolicy; readonly credentialsRejectedCooldownMs: number },
  random: number,
): number {
  if (error.code === 'credentials-rejected') return policy.credentialsRejectedCooldownMs;
  const backoff = retryDelayMs(attempt, policy.retry, random);
  const retryAfter =
    error instanceof ZumRailsRateLimitedError || error instanceof ZumRailsUnavailableError
      ? error.retryAfterMs
      : undefined;
  return retryAfter === undefined ? backoff : clampDelay(Math.max(retryAfter, backoff));
}

/** Share of the cap added as random jitter, so a fleet does not come back in one burst. */
const RETRY_AFTER_JITTER_SHARE = 0.1;

/**
 * A `Retry-After` wait within `capMs`, else `capMs` plus up to 10% jitter. A hostile or broken
 * `Retry-After: 99999999` must not lock the module out for years; the vendor's own block
 * lasts 5 minutes.
 */
export function capRetryAfterMs(ms: number, capMs: number, random: number): number {
  if (ms <= capMs) return ms;
  return Math.round(capMs + random * capMs * RETRY_AFTER_JITTER_SHARE);
}
