import { Inject, Injectable, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Observable } from 'rxjs';
import {
  ZumRailsError,
  ZumRailsInternalError,
  ZumRailsShutDownError,
  ZumRailsTokenWaitTimeoutError,
} from '../errors/zumrails.errors.js';
import { logRecord } from '../logging/module-logger.js';
import { ModuleLogger } from '../logging/module-logger.js';
import { ZumRailsMetrics } from '../metrics/zumrails-metrics.js';
import { RESOLVED_OPTIONS } from '../options/option-tokens.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { withDeadline } from '../util/waiting.js';
import { whileWaiting } from '../util/waiting.js';
import { SecretRedactor } from '../util/redact.js';
import { SafeToLog } from '../logging/module-logger.js';
import { AuthorizeClient } from './authorize.client.js';
import type { CancelOutcome } from './auth-answers.js';
import type { IssuedToken, ZumRailsSession } from './issued-token.js';
import { clampDelay, renewalDelayMs } from './renewal-plan.js';
import { CallerRelease, isTransient, SingleFlight } from './single-flight.js';
import { TokenAcquirer, type AcquiredToken } from './token-acquirer.js';
import {
  GuardedEvents,
  logTokenEvent,
  type ZumRailsTokenEvent,
  type ZumRailsTokenEventBody,
} from './token-events.js';
import { describeStatus, RenewalState, type ZumRailsTokenStatus } from './token-status.js';

/**
 * What `attachZumRailsAuth` learns from a `ZumRailsTokenService` beyond its public API: the module's
 * secrets (to redact errors) and the configured base URL (the only origin the bearer goes to).
 * Behind a symbol so it is neither public API nor in `JSON.stringify` output.
 */
const AUTH_CONTEXT = Symbol('zumrails-auth-context');

interface AuthContext {
  readonly redactor: SecretRedactor;
  readonly baseUrl: string;
}

/** The context of `source` when it is a `ZumRailsTokenService`, else undefined. */
export function authContextOf(source: object): AuthContext | undefined {
  return (source as { [AUTH_CONTEXT]?: AuthContext })[AUTH_CONTEXT];
}

// No `implements OnApplicationBootstrap, OnApplicationShutdown`: the hooks are marked
// internal, so stripped from the published .d.ts, where that clause would then fail to
// type-check. Nest calls the hooks by name.
/**
 * Holds the Zum Rails bearer token: one login shared by all concurrent callers (and, with a
 * shared `store`, by all replicas), renewed before expiry on a timer, old token served through
 * renewal outages, no login storms.
 */
@Injectable()
@SafeToLog((service: ZumRailsTokenService) => {
  const { account, state } = service.getStatus();
  return { account, state };
})
export class ZumRailsTokenService {
  private readonly emitter: GuardedEvents<ZumRailsTokenEvent>;
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
  /** Cancels of tokens that arrived during shutdown; shutdown awaits them. */
  private readonly lateRevocations = new Set<Promise<void>>();
  private stopped = false;
  /** @internal For `attachZumRailsAuth`: the module's secrets and the bearer's only origin. */
  readonly [AUTH_CONTEXT]: AuthContext;

  constructor(
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedZumRailsAuthOptions,
    @Inject(TokenAcquirer) private readonly acquirer: TokenAcquirer,
    private readonly client: AuthorizeClient,
    private readonly metrics: ZumRailsMetrics,
    private readonly secrets: SecretRedactor,
    private readonly logger: ModuleLogger,
    @Optional() @Inject(SchedulerRegistry) registry?: SchedulerRegistry,
  ) {
    this[AUTH_CONTEXT] = { redactor: secrets, baseUrl: options.baseUrl };
    // Never import ScheduleModule.forRoot() a second time: that runs the app's crons twice.
    this.timer = new RenewalTimer(registry ?? new SchedulerRegistry(), options.account);
    this.emitter = new GuardedEvents<ZumRailsTokenEvent>((error) =>
      this.logger.error(
        logRecord(
          'subscriber-error',
          `A ZumRailsTokenService.events$ subscriber threw: ${describeThrown(error)}`,
        ),
      ),
    );
    this.events$ = this.emitter.observable;
    metrics.observeTokenRemaining(() => {
      const expiresAt = this.getStatus().expiresAt;
      return expiresAt === undefined ? undefined : Math.max(0, (expiresAt - Date.now()) / 1000);
    });
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
      await this.revoke(token, this.options.requestTimeoutMs);
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
      await this.revoke(token, budget).catch(() => undefined);
    await Promise.all(this.lateRevocations);
    this.client.close();
    this.metrics.stop();
    this.emitter.complete();
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

  /** A bug is not an outage: log it once with its stack and surface it as internal. */
  private asLibraryError(error: unknown): ZumRailsError {
    if (error instanceof ZumRailsError) return error;
    if (this.renewal.lastError?.code !== 'internal') {
      const stack = error instanceof Error ? error.stack : undefined;
      const msg = `Unexpected exception during login: ${describeThrown(error)}`;
      this.logger.error(logRecord('login-internal-error', stack ? `${msg}\n${stack}` : msg));
    }
    return new ZumRailsInternalError(error);
  }

  private onAcquired({ token, origin }: AcquiredToken): IssuedToken {
    if (this.stopped) {
      this.secrets.rememberToken(token.value);
      this.revokeLate(token);
      throw new ZumRailsShutDownError();
    }
    const previous = this.current;
    this.current = token;
    this.secrets.rememberToken(token.value);
    this.renewal.succeeded(token.issuedAt);
    const base = {
      at: Date.now(),
      expiresAt: token.expiresAt,
      fingerprint: token.fingerprint,
    };
    this.emit(
      previous
        ? { type: 'renewed', ...base, previousFingerprint: previous.fingerprint, origin }
        : { type: 'acquired', ...base, origin },
    );
    this.schedule(renewalDelayMs(token, Date.now(), this.options, Math.random()));
    return token;
  }

  private onAcquisitionFailed(error: ZumRailsError): ZumRailsError {
    const now = Date.now();
    const delay = this.renewal.failed(error, now, this.options);
    if (error.code === 'credentials-rejected') {
      const { status } = error;
      const attempt = this.renewal.consecutiveFailures;
      this.emit({
        type: 'credentials-rejected',
        at: now,
        status,
        attempt,
        nextRetryInMs: delay,
      });
    }
    this.emit({
      type: 'renewal-failed',
      at: now,
      error: this.renewal.lastFailure!,
      attempt: this.renewal.consecutiveFailures,
      nextRetryInMs: delay,
      tokenStillValid: this.current !== undefined && now < this.current.usableUntil,
    });
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

  /** A token that arrived after shutdown began: nobody gets it; cancel it when configured. */
  private revokeLate(token: IssuedToken): void {
    if (!this.options.revokeOnShutdown) return;
    const revocation = this.revoke(token, this.options.revokeTimeoutMs).catch(() => undefined);
    this.lateRevocations.add(revocation);
    void revocation.finally(() => this.lateRevocations.delete(revocation));
  }

  /** Cancels `token` at Zum Rails; it is dead for the whole fleet, so it leaves the store too. */
  private async revoke(token: IssuedToken, timeoutMs: number): Promise<void> {
    const removed = this.acquirer.discard(token.value);
    let outcome: CancelOutcome | undefined;
    try {
      outcome = await this.client.cancel(token.value, timeoutMs);
    } finally {
      await removed;
      this.emit({
        type: 'cancelled',
        at: Date.now(),
        fingerprint: token.fingerprint,
        revoked: outcome !== undefined,
        alreadyInvalid: outcome === 'already-invalid',
      });
    }
  }

  /** Drops a token that is past its usable time, once, so it is never handed out. */
  private noteExpiry(now: number): void {
    const token = this.current;
    if (!token || now < token.usableUntil) return;
    this.current = undefined;
    this.renewal.expired = true;
    this.emit({ type: 'expired', at: now, fingerprint: token.fingerprint });
  }

  /** Logs an event (one line at most) and raises it with this module's account on it. */
  private emit(body: ZumRailsTokenEventBody): void {
    const event = { ...body, account: this.options.account } as ZumRailsTokenEvent;
    logTokenEvent(this.logger, event);
    this.emitter.emit(event);
  }

  private assertRunning(): void {
    if (this.stopped) throw new ZumRailsShutDownError();
  }
}

/** `Name: message` of something thrown, for a log line. */
function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}

let timers = 0;

/**
 * The one renewal timer of a ZumRailsTokenService: a named timeout in `SchedulerRegistry`, replaced
 * (never stacked), unref'd so it never keeps the process alive.
 */
class RenewalTimer {
  /** Unique per instance so several modules (or tests) never collide in a shared registry. */
  readonly name: string;

  constructor(
    private readonly registry: SchedulerRegistry,
    account: string,
  ) {
    this.name = `zumrails-auth:renewal:${account}:${++timers}`;
  }

  schedule(delayMs: number, task: () => void): void {
    this.clear();
    const handle = setTimeout(() => {
      this.clear();
      task();
    }, clampDelay(delayMs));
    handle.unref();
    this.registry.addTimeout(this.name, handle);
  }

  get isScheduled(): boolean {
    return this.registry.doesExist('timeout', this.name);
  }

  clear(): void {
    if (this.isScheduled) this.registry.deleteTimeout(this.name);
  }
}

/** @deprecated use `ZumRailsTokenService` (the same class, so the same DI token); removed in 2.0 */
export const TokenService = ZumRailsTokenService;
/** @deprecated use `ZumRailsTokenService`; removed in 2.0 */
export type TokenService = ZumRailsTokenService;
