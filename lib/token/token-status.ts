import type { ZumRailsLoginBudgetStatus } from './login-budget.js';
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
