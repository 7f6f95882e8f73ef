import type { ZumRailsAuthError } from '../errors/zumrails-auth.errors.js';
import { ZumRailsRateLimitedError } from '../errors/zumrails-auth.errors.js';
import { retryDelayMs, type BackoffPolicy } from './renewal-plan.js';

/**
 * How long to wait after a failed login: a cool-down for rejected credentials (no loop on a
 * wrong password), at least `Retry-After` for 429, exponential backoff with full jitter otherwise.
 */
export function failureDelayMs(
  error: ZumRailsAuthError,
  attempt: number,
  policy: { readonly retry: BackoffPolicy; readonly credentialsRejectedCooldownMs: number },
  random: number,
): number {
  if (error.code === 'credentials-rejected') return policy.credentialsRejectedCooldownMs;
  const backoff = retryDelayMs(attempt, policy.retry, random);
  return error instanceof ZumRailsRateLimitedError
    ? Math.max(error.retryAfterMs, backoff)
    : backoff;
}
