import type { ZumRailsAuthErrorCode } from '../errors/zumrails-auth.errors.js';
import type { ZumRailsLoginBudgetStatus } from './login-budget.js';
import type { RenewalState } from './renewal-state.js';
import type { IssuedToken } from './issued-token.js';
import type {
  ZumRailsStoreState,
  ZumRailsTokenState,
  ZumRailsTokenStatus,
} from './token-status.js';

/** The facts a state is derived from. */
export interface TokenStateFacts {
  stopped: boolean;
  hasValidToken: boolean;
  loginInFlight: boolean;
  lastErrorCode: ZumRailsAuthErrorCode | undefined;
  expired: boolean;
}

/** Pure: names the lifecycle state from the facts, so it is never stored and never stale. */
export function deriveState(facts: TokenStateFacts): ZumRailsTokenState {
  if (facts.stopped) return 'stopped';
  if (facts.hasValidToken) {
    if (facts.loginInFlight) return 'renewing';
    return facts.lastErrorCode ? 'degraded' : 'valid';
  }
  if (facts.loginInFlight) return 'acquiring';
  if (facts.lastErrorCode === 'credentials-rejected') return 'credentials-rejected';
  if (facts.lastErrorCode) return 'failing';
  return facts.expired ? 'expired' : 'idle';
}

/** Everything a status snapshot is made from. */
export interface StatusInputs {
  account: string;
  now: number;
  /** The current token while it is still handed out. */
  token: IssuedToken | undefined;
  stopped: boolean;
  loginInFlight: boolean;
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
      loginInFlight: inputs.loginInFlight,
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
