import { Inject, Injectable } from '@nestjs/common';
import { ZumRailsRateLimitedError, ZumRailsShutDownError } from '../errors/zumrails.errors.js';
import { logRecord } from '../logging/module-logger.js';
import { ModuleLogger } from '../logging/module-logger.js';
import { ZumRailsMetrics } from '../metrics/zumrails-metrics.js';
import { RESOLVED_OPTIONS } from '../options/account-name.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { AuthorizeClient } from './authorize.client.js';
import type { CancelOutcome } from '../protocol/zumrails-protocol.js';
import {
  issueLoginToken,
  jwtLifetimeMs,
  MAX_TOKEN_LIFETIME_MS,
  type IssuedToken,
} from './issued-token.js';
import type {
  ZumRailsLoginBudgetStatus,
  ZumRailsStoreState,
  ZumRailsTokenOrigin,
} from './token-status.js';
import { SafeToLog, showOnly } from '../logging/module-logger.js';

/** A new token and where it came from. */
export interface AcquiredToken {
  readonly token: IssuedToken;
  readonly origin: ZumRailsTokenOrigin;
}

/**
 * How `ZumRailsTokenService` gets a token, by whatever means; `ZumRailsTokenService` keeps single flight,
 * schedule and events. Without a `store`, every acquisition is a login ({@link LoginAcquirer});
 * with one, `SharedTokenAcquirer` (lib/sharing) adopts the fleet's token or logs in under its
 * lease. Both log in through the one {@link TokenLogin}.
 */
export abstract class TokenAcquirer {
  constructor(protected readonly logins: TokenLogin) {}

  /** Where the token is shared (`memory`: nowhere). */
  abstract readonly storeState: ZumRailsStoreState;

  /**
   * A token to replace `replacing` (or a first one).
   * @throws ZumRailsError subclass of a failed login; `ZumRailsShutDownError` once stopped.
   */
  abstract acquire(replacing: string | undefined): Promise<AcquiredToken>;

  /** Never hands `token` out again, wherever it is shared. Resolves, never rejects. */
  abstract discard(token: string): Promise<void>;

  /** Logins of the last minute against `maxLoginsPerMinute`. */
  get budgetStatus(): ZumRailsLoginBudgetStatus {
    return this.logins.budgetStatus;
  }

  /** Refuses further logins (application shutdown). */
  stop(): void {
    this.logins.stop();
  }
}

// Not a decorator: its metadata would name TokenLogin before that class is defined.
showOnly(TokenAcquirer.prototype, undefined, () => ({}));

/** Without a store: every acquisition is a login of this replica, nothing is shared. */
export class LoginAcquirer extends TokenAcquirer {
  readonly storeState = 'memory';

  async acquire(): Promise<AcquiredToken> {
    return { token: await this.logins.login(), origin: 'login' };
  }

  async discard(): Promise<void> {}
}

/**
 * The one path of every login, whatever triggers it (timer, callers, `refresh()`, 401
 * recovery, the store): the login budget, the call, its metrics, and the token on the local
 * clock, its lifetime counted from when the login was sent.
 */
@Injectable()
@SafeToLog()
export class TokenLogin {
  private readonly budget: LoginBudget;
  private stopped = false;
  private clampReported = false;

  constructor(
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedZumRailsAuthOptions,
    private readonly client: AuthorizeClient,
    private readonly logger: ModuleLogger,
    private readonly metrics: ZumRailsMetrics,
  ) {
    this.budget = new LoginBudget(options.maxLoginsPerMinute);
  }

  get budgetStatus(): ZumRailsLoginBudgetStatus {
    return this.budget.status(Date.now());
  }

  /**
   * `POST /api/authorize`, within the budget.
   * @throws ZumRailsError subclass of a failed login (`rate-limited` from the budget
   *   without a request sent); `ZumRailsShutDownError` once stopped.
   */
  async login(): Promise<IssuedToken> {
    if (this.stopped) throw new ZumRailsShutDownError();
    const sentAt = Date.now();
    this.budget.take(sentAt);
    const result = await this.metrics.timeLogin(() => this.client.login());
    this.reportClamp(result.token);
    return issueLoginToken(result.token, result.session, sentAt, this.options.fallbackTokenTtlMs);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Says once that a token claimed a lifetime above the 24-h cap (the cap is used). */
  private reportClamp(value: string): void {
    const claimed = jwtLifetimeMs(value);
    if (this.clampReported || claimed === undefined || claimed <= MAX_TOKEN_LIFETIME_MS) return;
    this.clampReported = true;
    this.logger.warn(
      logRecord(
        'lifetime-clamped',
        `Zum Rails issued a token claiming a lifetime of ${Math.round(claimed / 1000)} s; ` +
          `using the cap of ${MAX_TOKEN_LIFETIME_MS / 1000} s instead (reported once)`,
        { claimedSeconds: Math.round(claimed / 1000), capSeconds: MAX_TOKEN_LIFETIME_MS / 1000 },
      ),
    );
  }
}

const BUDGET_WINDOW_MS = 60_000;

/**
 * At most `max` logins per rolling minute. One invariant in one place: {@link TokenLogin}
 * asks it before every request, so no loop anywhere can turn into a login storm.
 */
class LoginBudget {
  /** Send times of the logins of the last minute, oldest first; never more than `max`. */
  private readonly sent: number[] = [];

  constructor(private readonly max: number) {}

  /**
   * Records a login sent at `now`.
   * @throws ZumRailsRateLimitedError (`source: 'login-budget'`) when the budget is used up.
   */
  take(now: number): void {
    this.forget(now);
    if (this.sent.length >= this.max) {
      throw new ZumRailsRateLimitedError(this.nextAllowedAt(now) - now, 'login-budget');
    }
    this.sent.push(now);
  }

  status(now: number): ZumRailsLoginBudgetStatus {
    this.forget(now);
    const full = this.sent.length >= this.max;
    return {
      maxPerMinute: this.max,
      usedInLastMinute: this.sent.length,
      ...(full ? { nextLoginAllowedAt: this.nextAllowedAt(now) } : {}),
    };
  }

  private nextAllowedAt(now: number): number {
    return Math.max(now, (this.sent[0] ?? now) + BUDGET_WINDOW_MS);
  }

  private forget(now: number): void {
    while (this.sent.length > 0 && this.sent[0]! <= now - BUDGET_WINDOW_MS) this.sent.shift();
  }
}

/**
 * Cancels tokens at Zum Rails (`PATCH /api/authorize/canceltoken`) and out of the shared store
 * (a cancelled token is dead for the whole fleet). Shutdown awaits the late ones: tokens that
 * arrived after it began.
 */
export class TokenRevoker {
  private readonly late = new Set<Promise<void>>();

  constructor(
    private readonly client: AuthorizeClient,
    private readonly acquirer: TokenAcquirer,
    private readonly cancelled: (token: IssuedToken, outcome: CancelOutcome | undefined) => void,
  ) {}

  /** @throws ZumRailsError subclass when the cancel call fails (the token is dropped anyway). */
  async revoke(token: IssuedToken, timeoutMs: number): Promise<void> {
    const removed = this.acquirer.discard(token.value);
    let outcome: CancelOutcome | undefined;
    try {
      outcome = await this.client.cancel(token.value, timeoutMs);
    } finally {
      await removed;
      this.cancelled(token, outcome);
    }
  }

  /** Cancels a token nobody will get (it arrived during shutdown); never rejects. */
  revokeLate(token: IssuedToken, timeoutMs: number): void {
    const revocation = this.revoke(token, timeoutMs).catch(() => undefined);
    this.late.add(revocation);
    void revocation.finally(() => this.late.delete(revocation));
  }

  /** Resolves when every late cancel has settled. */
  async settled(): Promise<void> {
    await Promise.all(this.late);
  }
}
