import type { ZumRailsError, ZumRailsErrorCode } from '../errors/zumrails.errors.js';
import type { IssuedToken } from './issued-token.js';
import { failureDelayMs, type BackoffPolicy } from './renewal-plan.js';

/** A secret-free summary of a failure, as events and status report it. */
export interface ZumRailsFailureSummary {
  code: ZumRailsErrorCode;
  message: string;
  status?: number;
  /** When it happened, epoch ms. */
  at: number;
}

/**
 * Where a new token came from: `login` (this replica logged in) or `store` (read from the
 * shared `ZumRailsTokenStore`, another replica's login).
 */
export type ZumRailsTokenOrigin = 'login' | 'store';

/**
 * The states of a module's token, as `getStatus().state` and health report them. They are
 * derived from facts (see {@link deriveState}), never stored; {@link TOKEN_LIFE} lists what
 * each means and every transition.
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
 * What happens to a token, and where in `ZumRailsTokenService` it happens:
 * - `login-started`: an acquisition begins (`getToken()` without a valid token, `refresh()`,
 *   the renewal timer, `startup`); `startAcquisition`.
 * - `login-succeeded`: a token from a login or the shared store; `onAcquired`.
 * - `login-failed`: any other failure (unavailable, rate limited, bad answer); `onAcquisitionFailed`.
 * - `credentials-rejected`: Zum Rails refused the credentials; `onAcquisitionFailed`.
 * - `token-expired`: `usableUntil` passed before a renewal; `noteExpiry`.
 * - `token-dropped`: `invalidate()` after a 401, or `cancelToken()`.
 * - `shutdown`: `onApplicationShutdown`.
 */
export type TokenLifeEvent =
  | 'login-started'
  | 'login-succeeded'
  | 'login-failed'
  | 'credentials-rejected'
  | 'token-expired'
  | 'token-dropped'
  | 'shutdown';

type Transitions = Partial<Record<TokenLifeEvent, ZumRailsTokenState>>;

/**
 * A token's life in one place: each state, what it means, and where each event takes it.
 * `shutdown` leads every state to `stopped`, which has no way out. Checked against
 * {@link deriveState} by test/unit/token-status.spec.ts.
 */
export const TOKEN_LIFE: Record<ZumRailsTokenState, { meaning: string; next: Transitions }> = {
  idle: {
    meaning: 'no token yet and none requested',
    next: { 'login-started': 'acquiring' },
  },
  acquiring: {
    meaning: 'the first (or a replacement) login is in flight, no valid token',
    next: {
      'login-succeeded': 'valid',
      'login-failed': 'failing',
      'credentials-rejected': 'credentials-rejected',
    },
  },
  valid: {
    meaning: 'a valid token is held; callers get it at once',
    next: { 'login-started': 'renewing', 'token-expired': 'expired', 'token-dropped': 'idle' },
  },
  renewing: {
    meaning: 'a valid token is held and its renewal is in flight',
    next: {
      'login-succeeded': 'valid',
      'login-failed': 'degraded',
      'credentials-rejected': 'degraded',
      'token-expired': 'acquiring',
      'token-dropped': 'acquiring',
    },
  },
  degraded: {
    meaning: 'a valid token is held but renewals are failing (retried with backoff)',
    next: { 'login-started': 'renewing', 'token-expired': 'failing', 'token-dropped': 'failing' },
  },
  expired: {
    meaning: 'the last token expired and none replaced it yet',
    next: { 'login-started': 'acquiring' },
  },
  failing: {
    meaning: 'no valid token and the last login failed; callers wait for the next attempt',
    next: { 'login-started': 'acquiring' },
  },
  'credentials-rejected': {
    meaning: 'Zum Rails rejected the credentials; callers fail at once during the cool-down',
    next: { 'login-started': 'acquiring' },
  },
  stopped: { meaning: 'the module shut down; no token is handed out any more', next: {} },
};

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
