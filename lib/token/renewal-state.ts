import type { ZumRailsAuthError } from '../errors/zumrails-auth.errors.js';
import { failureDelayMs } from './failure-delay.js';
import type { BackoffPolicy } from './renewal-plan.js';
import type { ZumRailsFailureSummary } from './token-events.js';

/** Failures, backoff and timestamps of TokenService's logins: what status and cool-down read. */
export class RenewalState {
  consecutiveFailures = 0;
  lastError?: ZumRailsAuthError;
  lastFailure?: ZumRailsFailureSummary;
  /** No login before this instant (backoff, cool-down, Retry-After); 0 when free. */
  nextAttemptAt = 0;
  lastRenewalAt?: number;
  lastAttemptAt?: number;
  /** The last token expired and none replaced it yet. */
  expired = false;

  succeeded(issuedAt: number): void {
    this.expired = false;
    this.consecutiveFailures = 0;
    this.lastError = this.lastFailure = undefined;
    this.nextAttemptAt = 0;
    this.lastRenewalAt = issuedAt;
  }

  /** Records a failed login at `now`; returns the delay before the next attempt. */
  failed(
    error: ZumRailsAuthError,
    now: number,
    policy: { readonly retry: BackoffPolicy; readonly credentialsRejectedCooldownMs: number },
  ): number {
    this.consecutiveFailures += 1;
    this.lastError = error;
    this.lastFailure = { code: error.code, message: error.message, status: error.status, at: now };
    const delay = failureDelayMs(error, this.consecutiveFailures, policy, Math.random());
    this.nextAttemptAt = now + delay;
    return delay;
  }

  /** The error callers get at once while credentials or the rate limit cool down. */
  coolingDownError(now: number): ZumRailsAuthError | undefined {
    const error = this.lastError;
    const cooling = error?.code === 'credentials-rejected' || error?.code === 'rate-limited';
    return cooling && now < this.nextAttemptAt ? error : undefined;
  }
}
