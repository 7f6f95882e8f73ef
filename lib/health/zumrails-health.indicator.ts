import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '../clock.js';
import { TokenService } from '../token/token.service.js';
import type { ZumRailsTokenStatus } from '../token/token-status.js';
import { withDeadline } from '../util/deferred.js';
import { ZUMRAILS_CLOCK } from '../zumrails-auth.constants.js';
import type { ZumRailsHealthDetails, ZumRailsHealthResult } from './zumrails-health.types.js';

/** The login endpoint is rate limited: a probe logs in at most this often. */
export const HEALTH_LOGIN_MIN_INTERVAL_MS = 30_000;
/** A health probe never waits longer than this for a login. */
export const HEALTH_PROBE_TIMEOUT_MS = 5_000;

/**
 * Terminus-compatible health indicator (no runtime import of `@nestjs/terminus`):
 * `up` while a valid token is held (renewal trouble is shown in the details), `down` without one.
 * It reads TokenService state; only when there is no token and no login was tried recently
 * does it make one attempt.
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.zumRails.isHealthy()]); }
 * ```
 */
@Injectable()
export class ZumRailsHealthIndicator {
  constructor(
    private readonly tokens: TokenService,
    @Inject(ZUMRAILS_CLOCK) private readonly clock: Clock,
  ) {}

  /** `{ [key]: { status: 'up' | 'down', ...details } }`; never throws, never shows a secret. */
  async isHealthy<Key extends string = 'zumrails'>(
    key: Key = 'zumrails' as Key,
  ): Promise<ZumRailsHealthResult<Key>> {
    let status = this.tokens.getStatus();
    if (this.shouldTryLogin(status)) {
      const attempt = this.tokens.getToken();
      await withDeadline(
        attempt,
        HEALTH_PROBE_TIMEOUT_MS,
        () => new Error('health probe timeout'),
      ).catch(() => undefined);
      status = this.tokens.getStatus();
    }
    return {
      [key]: { status: status.hasValidToken ? 'up' : 'down', ...this.details(status) },
    } as ZumRailsHealthResult<Key>;
  }

  private shouldTryLogin(status: ZumRailsTokenStatus): boolean {
    if (status.hasValidToken || status.state === 'stopped' || status.state === 'acquiring')
      return false;
    const last = status.lastAttemptAt;
    return last === undefined || this.clock.now() - last >= HEALTH_LOGIN_MIN_INTERVAL_MS;
  }

  private details(status: ZumRailsTokenStatus): ZumRailsHealthDetails {
    const now = this.clock.now();
    return {
      state: status.state,
      expiresInSeconds:
        status.expiresAt === undefined
          ? null
          : Math.max(0, Math.floor((status.expiresAt - now) / 1000)),
      lastRenewalAt:
        status.lastRenewalAt === undefined ? null : new Date(status.lastRenewalAt).toISOString(),
      consecutiveFailures: status.consecutiveFailures,
      lastErrorKind: status.lastError?.code ?? null,
      renewalTrouble: status.hasValidToken && status.consecutiveFailures > 0,
      store: status.store,
    };
  }
}
