import type { ZumRailsErrorCode } from '../errors/zumrails.errors.js';
import type { ZumRailsStoreState, ZumRailsTokenState } from '../token/token-status.js';

/** Details reported next to `status`; no secret, JSON-friendly. */
export interface ZumRailsHealthDetails {
  /** The account reported: `'default'` or the `name` given to `forRoot`. */
  account: string;
  /** Lifecycle state of the token (see `ZumRailsTokenState`). */
  state: ZumRailsTokenState;
  /** Seconds until the current token expires; null without one. */
  expiresInSeconds: number | null;
  /** ISO time of the last successful login; null before the first. */
  lastRenewalAt: string | null;
  /** Failed logins since the last success. */
  consecutiveFailures: number;
  /** Kind of the last failure; null after a success. */
  lastErrorKind: ZumRailsErrorCode | null;
  /** A valid token is held but renewing it is failing: act before it expires. */
  renewalTrouble: boolean;
  /** Shared token store: `memory` (none configured), `ok`, or `degraded` (per-process fallback). */
  store: ZumRailsStoreState;
  /** Logins of the last minute against `maxLoginsPerMinute`; `nextLoginAllowedAt` (ISO) while it is used up. */
  loginBudget: {
    maxPerMinute: number;
    usedInLastMinute: number;
    nextLoginAllowedAt: string | null;
  };
  /**
   * Each API rate limit (option `rateLimits`): slots `remaining` in the window as this replica
   * last counted (the fleet's count with a store), calls `waiting` here, `pausedUntil` (ISO)
   * after a 429. Empty without rules.
   */
  rateLimits: {
    rule: string;
    limit: number;
    windowMs: number;
    remaining: number;
    waiting: number;
    pausedUntil: string | null;
  }[];
}

/** The shape `@nestjs/terminus` expects from an indicator: `{ [key]: { status, ...details } }`. */
export type ZumRailsHealthResult<Key extends string = 'zumrails'> = Record<
  Key,
  { status: 'up' | 'down' } & ZumRailsHealthDetails
>;

/** Options of `ZumRailsHealthIndicator.isHealthy(key, options)`. */
export interface ZumRailsHealthCheckOptions {
  /** The account to report, as named in `forRoot({ name })`. Default: the default account. */
  account?: string;
}
