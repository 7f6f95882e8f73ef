import type { ZumRailsAuthErrorCode } from '../errors.js';
import type { ZumRailsTokenState } from './token-status.js';

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
