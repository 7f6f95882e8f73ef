import type { ZumRailsError, ZumRailsErrorCode } from '../errors/zumrails.errors.js';
import type { IssuedToken } from './issued-token.js';
import { failureDelayMs, type BackoffPolicy } from './renewal-plan.js';
import type { ZumRailsFailureSummary } from './token-events.js';

/**
 * - `idle`: no token yet and none requested.
 * - `acquiring`: the first (or a replacement) login is in flight, no valid token.
 * - `valid`: a valid token is held.
 * - `renewing`: a valid token is held and its renewal is in flight.
 * - `degraded`: a valid token is held but renewals are failing.
 * - `expired`: the last token expired and none replaced it yet.
 * - `failing`: no valid token and the last login failed.
 * - `credentials-rejected`: Zum Rails rejected the credentials; cooling down.
 * - `stopped`: the module shut down.
 */
export type ZumRailsTokenState =
  | 'idle'
  | 'acquiring'
  | 'valid'
  | 'renewing'
  | 'degraded'
  | 'expired'
  | 'failing'
  | 'credentials-rejected'
  | 'stopped';

/**
 * Where the token is shared:
 * - `memory`: no `store` configured; this process keeps its own token.
 * - `ok`: the shared store answered its last call; the fleet shares one token.
 * - `degraded`: the shared store failed or timed out; this replica logs in on its own until
 *   the store answers again (checked at the next renewal). Callers are not affected.
 */
export type ZumRailsStoreState = 'memory' | 'ok' | 'degraded';

/** What status and health show about the login budget. */
export interface ZumRailsLoginBudgetStatus {
  /** The budget: `maxLoginsPerMinute`. */
  maxPerMinute: number;
  /** Logins sent in the last 60 s. */
  usedInLastMinute: number;
  /** When the next login is allowed, epoch ms; undefined while the budget has room. */
  nextLoginAllowedAt?: number;
}

/** A snapshot of the token lifecycle, for health checks and diagnostics. Never the token. */
export interface ZumRailsTokenStatus {
  /** The account: `'default'` or the `name` given to `forRoot`. */
  account: string;
  state: ZumRailsTokenState;
  /** Whether `getToken()` would answer at once. */
  hasValidToken: boolean;
  /** Expiry of the current token, epoch ms. */
  expiresAt?: number;
  /** Fingerprint (first 8 hex chars of SHA-256) of the current token. */
  fingerprint?: string;
  /** When the last successful login happened, epoch ms. */
  lastRenewalAt?: number;
  /** The last failure, until the next success. */
  lastError?: ZumRailsFailureSummary;
  /** Failed logins since the last success. */
  consecutiveFailures: number;
  /** Earliest time of the next login attempt while backing off, epoch ms. */
  nextAttemptAt?: number;
  /** When a login was last attempted, epoch ms. */
  lastAttemptAt?: number;
  /** Health of the token store (see `ZumRailsStoreState`). */
  store: ZumRailsStoreState;
  /** Logins of the last minute against `maxLoginsPerMinute`, and when the next is allowed. */
  loginBudget: ZumRailsLoginBudgetStatus;
}

/** Failures, backoff and timestamps of ZumRailsTokenService's logins: what status and cool-down read. */
export class RenewalState {
  consecutiveFailures = 0;
  lastError?: ZumRailsError;
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
    error: ZumRailsError,
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
  coolingDownError(now: number): ZumRailsError | undefined {
    const error = this.lastError;
    const cooling = error?.code === 'credentials-rejected' || error?.code === 'rate-limited';
    return cooling && now < this.nextAttemptAt ? error : undefined;
  }
}

/** The facts a state is derived from. */
export interface TokenStateFacts {
  stopped: boolean;
  hasValidToken: boolean;
  acquisitionInFlight: boolean;
  lastErrorCode: ZumRailsErrorCode | undefined;
  expired: boolean;
}

/** Pure: names the lifecycle state from the facts, so it is never stored and never stale. */
export function deriveState(facts: TokenStateFacts): ZumRailsTokenState {
  if (facts.stopped) return 'stopped';
  if (facts.hasValidToken) {
    if (facts.acquisitionInFlight) return 'renewing';
    return facts.lastErrorCode ? 'degraded' : 'valid';
  }
  if (facts.acquisitionInFlight) return 'acquiring';
  if (facts.lastErrorCode === 'credentials-rejected') return 'credentials-rejected';
  if (facts.lastErrorCode) return 'failing';
  return facts.expired ? 'expired' : 'idle';
}

/** Everything a status snapshot is made from. */
interface StatusInputs {
  account: string;
  now: number;
  /** The current token while it is still handed out. */
  token: IssuedToken | undefined;
  stopped: boolean;
  acquisitionInFlight: boolean;
  renewal: RenewalState;
  store: ZumRailsStoreState;
  loginBudget: ZumRailsLoginBudgetStatus;
}

/** Pure: the public status snapshot. Never the token, only its fingerprint. */
export function describeStatus(inputs: StatusInputs): ZumRailsTokenStatus {
  const { now, token, renewal } = inputs;
  return {
    account: inputs.account,
    state: deriveState({
      stopped: inputs.stopped,
      hasValidToken: token !== undefined,
      acquisitionInFlight: inputs.acquisitionInFlight,
      lastErrorCode: renewal.lastError?.code,
      expired: renewal.expired,
    }),
    hasValidToken: token !== undefined,
    expiresAt: token?.expiresAt,
    fingerprint: token?.fingerprint,
    lastRenewalAt: renewal.lastRenewalAt,
    lastError: renewal.lastFailure,
    consecutiveFailures: renewal.consecutiveFailures,
    nextAttemptAt: renewal.nextAttemptAt > now ? renewal.nextAttemptAt : undefined,
    lastAttemptAt: renewal.lastAttemptAt,
    store: inputs.store,
    loginBudget: inputs.loginBudget,
  };
}
