import type { ZumRailsErrorCode } from '../errors/zumrails.errors.js';
import type {
  ZumRailsStoreState,
  ZumRailsTokenState,
  ZumRailsTokenStatus,
} from '../token/token-status.js';
import { Injectable, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { findAccountTokens } from '../accounts/accounts.js';
import { accountOf } from '../options/account-name.js';
import { rateLimiterOf } from '../ratelimit/api-rate-limiter.js';
import { ZumRailsTokenService } from '../token/token.service.js';
import { withDeadline } from '../util/waiting.js';
import { SafeToLog } from '../logging/module-logger.js';

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

/** The login endpoint is rate limited: a probe logs in at most this often. */
const HEALTH_LOGIN_MIN_INTERVAL_MS = 30_000;
/** A health probe never waits longer than this for a login. */
const HEALTH_PROBE_TIMEOUT_MS = 5_000;
/** A probe during a login in flight waits this long for its outcome (it starts none of its own). */
const HEALTH_LOGIN_WAIT_MS = 3_000;

/**
 * Terminus-compatible health indicator (no runtime import of `@nestjs/terminus`):
 * `up` while a valid token is held (renewal trouble is shown in the details), `down` without one.
 * It reads ZumRailsTokenService state; while a login is in flight without a valid token (e.g. right
 * after a `background` start) it waits for that login's outcome, at most 3 s; only when there
 * is no token and no login was tried recently does it make one attempt. One indicator serves
 * every account: name it in the options, the way terminus' own indicators take `{ connection }`.
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() {
 *   return this.health.check([
 *     () => this.zumRails.isHealthy(),
 *     () => this.zumRails.isHealthy('zumrails-payouts', { account: 'payouts' }),
 *   ]);
 * }
 * ```
 */
@Injectable()
@SafeToLog()
export class ZumRailsHealthIndicator {
  private readonly accounts = new Map<string, ZumRailsTokenService>();

  /**
   * @param tokens the `ZumRailsTokenService` of the account the indicator's module configures; absent
   *   when an app lists the class in a module of its own that sees only named accounts (they
   *   are then found by name, like every other account).
   */
  constructor(
    @Optional() tokens: ZumRailsTokenService | undefined,
    private readonly moduleRef: ModuleRef,
  ) {
    if (tokens) this.accounts.set(tokens.getStatus().account, tokens);
  }

  /**
   * `{ [key]: { status: 'up' | 'down', account, ...details } }` of the default account, or of
   * `options.account`; never shows a secret.
   * @throws ZumRailsConfigError only when `options.account` names no configured account.
   */
  async isHealthy<Key extends string = 'zumrails'>(
    key: Key = 'zumrails' as Key,
    options: ZumRailsHealthCheckOptions = {},
  ): Promise<ZumRailsHealthResult<Key>> {
    const tokens = this.tokensOf(accountOf(options.account));
    let status = tokens.getStatus();
    if (status.state === 'acquiring') {
      await tokens.acquisitionSettled(HEALTH_LOGIN_WAIT_MS);
      status = tokens.getStatus();
    } else if (this.shouldTryLogin(status)) {
      const attempt = tokens.getToken();
      await withDeadline(
        attempt,
        HEALTH_PROBE_TIMEOUT_MS,
        () => new Error('health probe timeout'),
      ).catch(() => undefined);
      status = tokens.getStatus();
    }
    return {
      [key]: {
        status: status.hasValidToken ? 'up' : 'down',
        ...this.details(status),
        rateLimits: rateLimitsOf(tokens),
      },
    } as ZumRailsHealthResult<Key>;
  }

  private tokensOf(account: string): ZumRailsTokenService {
    let tokens = this.accounts.get(account);
    if (!tokens) {
      tokens = findAccountTokens(this.moduleRef, account);
      this.accounts.set(account, tokens);
    }
    return tokens;
  }

  private shouldTryLogin(status: ZumRailsTokenStatus): boolean {
    if (status.hasValidToken || status.state === 'stopped' || status.state === 'acquiring')
      return false;
    const last = status.lastAttemptAt;
    return last === undefined || Date.now() - last >= HEALTH_LOGIN_MIN_INTERVAL_MS;
  }

  private details(status: ZumRailsTokenStatus): Omit<ZumRailsHealthDetails, 'rateLimits'> {
    const now = Date.now();
    return {
      account: status.account,
      state: status.state,
      expiresInSeconds:
        status.expiresAt === undefined
          ? null
          : Math.max(0, Math.floor((status.expiresAt - now) / 1000)),
      lastRenewalAt: isoOrNull(status.lastRenewalAt),
      consecutiveFailures: status.consecutiveFailures,
      lastErrorKind: status.lastError?.code ?? null,
      renewalTrouble: status.hasValidToken && status.consecutiveFailures > 0,
      store: status.store,
      loginBudget: {
        maxPerMinute: status.loginBudget.maxPerMinute,
        usedInLastMinute: status.loginBudget.usedInLastMinute,
        nextLoginAllowedAt: isoOrNull(status.loginBudget.nextLoginAllowedAt),
      },
    };
  }
}

/** The rate limits of the module of `tokens`, as health shows them. */
function rateLimitsOf(tokens: ZumRailsTokenService): ZumRailsHealthDetails['rateLimits'] {
  const limiter = rateLimiterOf(tokens);
  if (!limiter) return [];
  return limiter
    .status()
    .map((rule) => ({ ...rule, pausedUntil: isoOrNull(rule.pausedUntil ?? undefined) }));
}

function isoOrNull(epochMs: number | undefined): string | null {
  return epochMs === undefined ? null : new Date(epochMs).toISOString();
}
