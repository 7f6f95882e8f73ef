import { ZumRailsRateLimitedError } from '../errors/zumrails-auth.errors.js';

/** Share of the cap added as random jitter, so a fleet does not come back in one burst. */
const JITTER_SHARE = 0.1;

/**
 * `error` when its `Retry-After` is within `capMs`; otherwise the same error with the wait cut
 * to `capMs` plus up to 10% jitter (`random` in [0, 1)). A hostile or broken `Retry-After:
 * 99999999` must not lock the module out for years; the vendor's own block lasts 5 minutes.
 */
export function capRetryAfter(
  error: ZumRailsRateLimitedError,
  capMs: number,
  random: number,
): ZumRailsRateLimitedError {
  if (error.retryAfterMs <= capMs) return error;
  return new ZumRailsRateLimitedError(Math.round(capMs + random * capMs * JITTER_SHARE));
}
