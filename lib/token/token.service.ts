import { Inject, Injectable, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Observable } from 'rxjs';
import {
  ZumRailsError,
  ZumRailsShutDownError,
  ZumRailsTokenWaitTimeoutError,
} from '../errors/zumrails.errors.js';
import { ModuleLogger, SafeToLog } from '../logging/module-logger.js';
import { ZumRailsMetrics } from '../metrics/zumrails-metrics.js';
import { RESOLVED_OPTIONS } from '../options/account-name.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { SecretRedactor } from '../util/redact.js';
import { whileWaiting, withDeadline } from '../util/waiting.js';
import { AuthorizeClient } from './authorize.client.js';
import type { IssuedToken, ZumRailsSession } from './issued-token.js';
import { renewalDelayMs } from './renewal-plan.js';
import { CallerRelease, isTransient, RenewalTimer, SingleFlight } from './single-flight.js';
import { TokenAcquirer, TokenRevoker, type AcquiredToken } from './token-acquirer.js';
import { TokenEvents, type ZumRailsTokenEvent } from './token-events.js';
import { describeStatus, RenewalState, type ZumRailsTokenStatus } from './token-status.js';

/** What `attachZumRailsAuth` learns from the module's token service beyond its public API. */
export interface AuthContext {
  /** The module's secrets, redacted from every error of a call. */
  readonly redactor: SecretRedactor;
  /** The configured base URL: the only origin the bearer goes to. */
  readonly baseUrl: string;
}

/** The context of `source` when it is the module's `ZumRailsTokenService`, else undefined. */
export function authContextOf(source: object): AuthContext | undefined {
  return source instanceof ZumRailsTokenService ? source.authContext : undefined;
}

// No `implements OnApplicationBootstrap, OnApplicationShutdown`: the hooks are internal, so
// stripped from the published .d.ts, where that clause would fail. Nest calls them by name.
/**
 * Holds the Zum Rails bearer token: one login shared by all concurrent callers (and, with a
 * shared `store`, by all replicas), renewed before expiry on a timer, old token served through
 * renewal outages, no login storms. Its states and transitions: `TOKEN_LIFE` (token-status.ts),
 * whose events name the methods here.
 */
@Injectable()
@SafeToLog((service: ZumRailsTokenService) => {
  const { account, state } = service.getStatus();
  return { account, state };
})
export class ZumRailsTokenService {
  private readonly events: TokenEvents;
  /**
   * Lifecycle events (acquired, renewed, renewal-failed, credentials-rejected, expired,
   * cancelled), each with the `account` it is about. No secrets. An exception thrown by a
   * direct subscriber is logged, never rethrown from a timer.
   */
  readonly events$: Observable<ZumRailsTokenEvent>;
  private readonly timer: RenewalTimer;
  private readonly renewal = new RenewalState();
  private current?: IssuedToken;
  private readonly flight = new SingleFlight<IssuedToken>();
  private readonly callers = new CallerRelease();
  private readonly revoker: TokenRevoker;
  private stopped = false;
  /** A private field (not enumerable, not in spreads or JSON): it holds the module's secrets. */
  readonly #authContext: AuthContext;

  constructor(
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedZumRailsAuthOptions,
    @Inject(TokenAcquirer) private readonly acquirer: TokenAcquirer,
    private readonly client: AuthorizeClient,
    private readonly metrics: ZumRailsMetrics,
    private readonly secrets: SecretRedactor,
    logger: ModuleLogger,
    @Optional() @Inject(SchedulerRegistry) registry?: SchedulerRegistry,
  ) {
    this.#authContext = { redactor: secrets, baseUrl: options.baseUrl };
    // Never import ScheduleModule.forRoot() a second time: that runs the app's crons twice.
    this.timer = new RenewalTimer(registry ?? new SchedulerRegistry(), options.account);
    this.events = new TokenEvents(options.account, logger);
    this.events$ = this.events.events$;
    this.revoker = new TokenRevoker(client, acquirer, (token, outcome) =>
      this.events.cancelled(token, outcome),
    );
    metrics.observeTokenRemaining(() => {
      const expiresAt = this.getStatus().expiresAt;
      return expiresAt === undefined ? undefined : Math.max(0, (expiresAt - Date.now()) / 1000);
    });
  }

  /** @internal For `attachZumRailsAuth`: the module's secrets and the bearer's only origin. */
  get authContext(): AuthContext {
    return this.#authContext;
  }

  /**
   * The current bearer token. Cached while valid; otherwise every concurrent caller awaits
   * the same acquisition (a fresh token from the shared store, or one login).
   * @throws ZumRailsError subclass of the failed login, or `ZumRailsTokenWaitTimeoutError`
   *   after `tokenWaitTimeoutMs`.
   */
  async getToken(): Promise<string> {
    const token = this.current;
    if (token !== undefined && Date.now() < token.usableUntil && !this.stopped) return token.value;
    return (await this.acquire()).value;
  }

  /**
   * Replaces the current token now (single-flight with any acquisition in progress): with a
   * shared store, by a newer token another replica stored, otherwise by a login. Unlike
   * `getToken()`, it reports the outcome of that one attempt (no waiting across failures),
   * and it counts against `maxLoginsPerMinute` like every login.
   * @throws ZumRailsError subclass when the login fails, credentials are cooling down,
   *   a rate limit is in force or the login budget is used up.
   */
  async refresh(): Promise<string> {
    this.assertRunning();
    const cooling = this.renewal.coolingDownError(Date.now());
    if (!this.flight.inProgress && cooling) throw cooling;
    return (await this.withWaitLimit(this.startAcquisition())).value;
  }

  /**
   * Forgets `token` if it is still the current one (the API answered 401 to it), so the next
   * `getToken()` gets another; with a shared store, also deletes it there if it is still the
   * stored one. Returns whether it was current.
   */
  invalidate(token: string): boolean {
    if (this.current?.value !== token) return false;
    this.current = undefined;
    void this.acquirer.discard(token);
    return true;
  }

  /**
   * Cancels the current token at Zum Rails (`PATCH /api/authorize/canceltoken`). The token is
   * forgotten locally (and in the shared store) even when the call fails; the next
   * `getToken()` gets another.
   * @throws ZumRailsError subclass when the cancel call fails.
   */
  async cancelToken(): Promise<void> {
    const token = this.current;
    this.current = undefined;
    // Without a token the timer is a retry that waiting callers count on: keep it.
    if (!token) return;
    this.timer.clear();
    try {
      await this.revoker.revoke(token, this.options.requestTimeoutMs);
    } finally {
      // Callers waiting meanwhile are served by a new acquisition.
      if (this.flight.hasWaiters && !this.stopped)
        void this.startAcquisition().catch(() => undefined);
    }
  }

  /**
   * What the login said about the API user, plus issuedAt/expiresAt, while `getToken()` would
   * hand the token out (the same usable time as `getStatus()`). Never the token.
   */
  getSession(): ZumRailsSession | undefined {
    const token = this.current;
    return token && Date.now() < token.usableUntil ? { ...token.session } : undefined;
  }

  /**
   * @internal Resolves when the acquisition in flight (if any) has settled, or after `timeoutMs`;
   * never starts one, never rejects. The health indicator waits with it.
   */
  async acquisitionSettled(timeoutMs: number): Promise<void> {
    const inflight = this.flight.inProgress;
    if (!inflight) return;
    await withDeadline(inflight, timeoutMs, () => new Error('timeout')).catch(() => undefined);
  }

  /** A snapshot of the lifecycle for health checks and diagnostics. Never the token. */
  getStatus(): ZumRailsTokenStatus {
    const now = Date.now();
    return describeStatus({
      account: this.options.account,
      now,
      token: this.current && now < this.current.usableUntil ? this.current : undefined,
      stopped: this.stopped,
      acquisitionInFlight: this.flight.inProgress !== undefined,
      renewal: this.renewal,
      store: this.acquirer.storeState,
      loginBudget: this.acquirer.budgetStatus,
    });
  }

  /** @internal Starts the first acquisition according to the `startup` option. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.options.startup === 'blocking') await this.getToken();
    else if (this.options.startup === 'background' && !this.current)
      void this.startAcquisition().catch(() => undefined);
  }

  /**
   * @internal Stops the timer, releases every waiting caller (no token after shutdown), waits
   * for a login in flight and cancels the token (each bounded by `revokeTimeoutMs`), then
   * aborts whatever is still open. Never throws.
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timer.clear();
    this.acquirer.stop();
    this.flight.abandon(new ZumRailsShutDownError());
    this.callers.releaseAll(new ZumRailsShutDownError());
    const budget = this.options.revokeTimeoutMs;
    // A token arriving meanwhile is cancelled by onAcquired (see revokeLate).
    await this.acquisitionSettled(budget);
    const token = this.current;
    this.current = undefined;
    if (token && this.options.revokeOnShutdown)
      await this.revoker.revoke(token, budget).catch(() => undefined);
    await this.revoker.settled();
    this.client.close();
    this.metrics.stop();
    this.events.complete();
  }

  private acquire(): Promise<IssuedToken> {
    this.assertRunning();
    const deadline = Date.now() + this.options.tokenWaitTimeoutMs;
    return this.metrics.waiting(this.withWaitLimit(this.acquireBefore(deadline)));
  }

  /**
   * The one waiting rule: without a valid token, a caller waits across transient failures
   * (unavailable, timeout, rate-limited) while the next attempt comes before its deadline;
   * other failures (rejected credentials, bad response, internal) reach it at once.
   */
  private async acquireBefore(deadline: number): Promise<IssuedToken> {
    for (;;) {
      const now = Date.now();
      this.noteExpiry(now);
      const token = this.current;
      if (token && now < token.usableUntil) return token;
      try {
        return await (this.flight.inProgress ?? this.nextAttempt(now, deadline));
      } catch (error) {
        const retryable = isTransient(error) && this.renewal.nextAttemptAt < deadline;
        if (this.stopped || !retryable) throw error;
      }
    }
  }

  /** Starts an acquisition now, or joins the next scheduled one while backing off. */
  private nextAttempt(now: number, deadline: number): Promise<IssuedToken> {
    const renewal = this.renewal;
    if (now >= renewal.nextAttemptAt) return this.startAcquisition();
    const cooling = renewal.coolingDownError(now);
    if (cooling?.code === 'credentials-rejected') return Promise.reject(cooling);
    if (renewal.nextAttemptAt >= deadline) {
      return Promise.reject(renewal.lastError ?? new ZumRailsTokenWaitTimeoutError());
    }
    return this.flight.waitForNext();
  }

  /** Bounds a caller's wait, releases it at shutdown, and keeps the process alive meanwhile. */
  private withWaitLimit(attempt: Promise<IssuedToken>): Promise<IssuedToken> {
    const limit = this.options.tokenWaitTimeoutMs;
    const bounded = withDeadline(
      attempt,
      limit,
      () =>
        new ZumRailsTokenWaitTimeoutError(
          this.renewal.lastError?.code,
          `no Zum Rails token within ${limit} ms`,
        ),
    );
    return whileWaiting(this.callers.guard(bounded));
  }

  /** Single flight: one acquisition at a time, shared by every caller and the timer. */
  private startAcquisition(): Promise<IssuedToken> {
    return this.flight.join(
      async () => {
        this.renewal.lastAttemptAt = Date.now();
        const replacing = this.current?.value;
        // Callers of this same tick join first and start their waits, so when a caller's
        // tokenWaitTimeoutMs and the login's requestTimeoutMs run out together, every caller
        // hears about its own wait.
        await undefined;
        return this.acquirer.acquire(replacing);
      },
      {
        done: (acquired) => this.onAcquired(acquired),
        failed: (error) => this.onAcquisitionFailed(this.asLibraryError(error)),
      },
    );
  }

  /** A bug is not an outage: logged once (with its stack) and surfaced as internal. */
  private asLibraryError(error: unknown): ZumRailsError {
    if (error instanceof ZumRailsError) return error;
    return this.events.internalError(error, this.renewal.lastError?.code === 'internal');
  }

  private onAcquired({ token, origin }: AcquiredToken): IssuedToken {
    if (this.stopped) {
      this.secrets.rememberToken(token.value);
      if (this.options.revokeOnShutdown)
        this.revoker.revokeLate(token, this.options.revokeTimeoutMs);
      throw new ZumRailsShutDownError();
    }
    const previous = this.current;
    this.current = token;
    this.secrets.rememberToken(token.value);
    this.renewal.succeeded(token.issuedAt);
    this.events.obtained(token, previous, origin);
    this.schedule(renewalDelayMs(token, Date.now(), this.options, Math.random()));
    return token;
  }

  private onAcquisitionFailed(error: ZumRailsError): ZumRailsError {
    const now = Date.now();
    const delay = this.renewal.failed(error, now, this.options);
    const stillValid = this.current !== undefined && now < this.current.usableUntil;
    this.events.failed(error, this.renewal, delay, stillValid, now);
    this.schedule(delay);
    return error;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer.schedule(delayMs, () => {
      this.noteExpiry(Date.now());
      void this.startAcquisition().catch(() => undefined);
    });
  }

  /** Drops a token that is past its usable time, once, so it is never handed out. */
  private noteExpiry(now: number): void {
    const token = this.current;
    if (!token || now < token.usableUntil) return;
    this.current = undefined;
    this.renewal.expired = true;
    this.events.expired(token, now);
  }

  private assertRunning(): void {
    if (this.stopped) throw new ZumRailsShutDownError();
  }
}

/** @deprecated use `ZumRailsTokenService` (the same class, so the same DI token); removed in 2.0 */
export const TokenService = ZumRailsTokenService;
/** @deprecated use `ZumRailsTokenService`; removed in 2.0 */
export type TokenService = ZumRailsTokenService;
