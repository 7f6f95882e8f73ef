import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { map, Subject, type Observable } from 'rxjs';
import type { Clock } from '../clock.js';
import {
  ZumRailsAuthError,
  ZumRailsShutDownError,
  ZumRailsTokenUnavailableError,
  ZumRailsUnavailableError,
} from '../errors.js';
import { ZumRailsMetrics } from '../metrics/zumrails-metrics.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { withDeadline } from '../util/deferred.js';
import { SecretRedactor } from '../util/redact.js';
import { RESOLVED_OPTIONS, ZUMRAILS_CLOCK } from '../zumrails-auth.constants.js';
import { AUTH_CONTEXT, type AuthContext } from './auth-context.js';
import { AuthorizeClient } from './authorize.client.js';
import type { CancelOutcome } from './cancel-response.js';
import { LoginFlight } from './login-flight.js';
import { renewalDelayMs } from './renewal-plan.js';
import { RenewalState } from './renewal-state.js';
import { RenewalTimer } from './renewal-timer.js';
import type { IssuedToken, ZumRailsSession } from './token.js';
import { TokenAcquirer, type AcquiredToken } from './token-acquirer.js';
import type { ZumRailsTokenEvent, ZumRailsTokenEventBody } from './token-events.js';
import { describeStatus } from './token-state.js';
import type { ZumRailsTokenStatus } from './token-status.js';

/**
 * Holds the Zum Rails bearer token: one login shared by all concurrent callers (and, with a
 * shared `store`, by all replicas), renewed before expiry on a timer, old token served through
 * renewal outages, no login storms.
 */
@Injectable()
export class TokenService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly emitter = new Subject<ZumRailsTokenEventBody>();
  /**
   * Lifecycle events (acquired, renewed, renewal-failed, credentials-rejected, expired,
   * cancelled), each with the `account` it is about. No secrets.
   */
  readonly events$: Observable<ZumRailsTokenEvent>;
  private readonly timer: RenewalTimer;
  private readonly renewal = new RenewalState();
  private current?: IssuedToken;
  private readonly flight = new LoginFlight<IssuedToken>();
  private stopped = false;
  /** @internal For `attachZumRailsAuth`: the module's secrets and the bearer's only origin. */
  readonly [AUTH_CONTEXT]: AuthContext;

  constructor(
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedZumRailsAuthOptions,
    @Inject(ZUMRAILS_CLOCK) private readonly clock: Clock,
    private readonly acquirer: TokenAcquirer,
    private readonly client: AuthorizeClient,
    private readonly metrics: ZumRailsMetrics,
    private readonly secrets: SecretRedactor,
    @Optional() @Inject(SchedulerRegistry) registry?: SchedulerRegistry,
  ) {
    this[AUTH_CONTEXT] = { redactor: secrets, baseUrl: options.baseUrl };
    // Never import ScheduleModule.forRoot() a second time: that runs the app's crons twice.
    this.timer = new RenewalTimer(registry ?? new SchedulerRegistry(), options.account);
    const account = options.account;
    this.events$ = this.emitter.pipe(map((event) => ({ ...event, account })));
  }

  /**
   * The current bearer token. Cached while valid; otherwise every concurrent caller awaits
   * the same acquisition (a fresh token from the shared store, or one login).
   * @throws ZumRailsAuthError subclass of the failed login, or `ZumRailsTokenUnavailableError`
   *   after `tokenWaitTimeoutMs`.
   */
  async getToken(): Promise<string> {
    const token = this.current;
    if (token !== undefined && this.clock.now() < token.usableUntil) return token.value;
    return (await this.acquire()).value;
  }

  /**
   * Replaces the current token now (single-flight with any acquisition in progress): with a
   * shared store, by a newer token another replica stored, otherwise by a login.
   * @throws ZumRailsAuthError subclass when the login fails or credentials are cooling down.
   */
  async refresh(): Promise<string> {
    this.assertRunning();
    const cooling = this.renewal.coolingDownError(this.clock.now());
    if (!this.flight.inProgress && cooling) throw cooling;
    return (await this.withWaitLimit(this.startLogin())).value;
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
   * @throws ZumRailsAuthError subclass when the cancel call fails.
   */
  async cancelToken(): Promise<void> {
    const token = this.current;
    this.current = undefined;
    this.timer.clear();
    if (!token) return;
    await this.revoke(token, this.options.requestTimeoutMs);
  }

  /** What the login said about the API user, plus issuedAt/expiresAt. Never the token. */
  getSession(): ZumRailsSession | undefined {
    const token = this.current;
    return token && this.clock.now() < token.expiresAt ? { ...token.session } : undefined;
  }

  /** A snapshot of the lifecycle for health checks and diagnostics. Never the token. */
  getStatus(): ZumRailsTokenStatus {
    const now = this.clock.now();
    return describeStatus({
      account: this.options.account,
      now,
      token: this.current && now < this.current.usableUntil ? this.current : undefined,
      stopped: this.stopped,
      loginInFlight: this.flight.inProgress !== undefined,
      renewal: this.renewal,
      store: this.acquirer.storeState,
    });
  }

  /** @internal Starts the first acquisition according to the `startup` option. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.options.startup === 'blocking') await this.getToken();
    else if (this.options.startup === 'background' && !this.current)
      void this.startLogin().catch(() => undefined);
  }

  /** @internal Stops the timer, settles in-flight work, cancels the token (bounded), never throws. */
  async onApplicationShutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timer.clear();
    this.acquirer.stop();
    this.flight.abandon(new ZumRailsShutDownError());
    const budget = this.options.revokeTimeoutMs;
    const inflight = this.flight.inProgress;
    if (inflight)
      await withDeadline(inflight, budget, () => new Error('timeout')).catch(() => undefined);
    const token = this.current;
    this.current = undefined;
    if (token && this.options.revokeOnShutdown)
      await this.revoke(token, budget).catch(() => undefined);
    this.emitter.complete();
  }

  private async acquire(): Promise<IssuedToken> {
    this.assertRunning();
    const now = this.clock.now();
    this.noteExpiry(now);
    return this.metrics.waiting(
      this.withWaitLimit(this.flight.inProgress ?? this.nextAttempt(now)),
    );
  }

  /** Starts an acquisition now, or joins the next scheduled one while backing off. */
  private nextAttempt(now: number): Promise<IssuedToken> {
    const renewal = this.renewal;
    if (now >= renewal.nextAttemptAt) return this.startLogin();
    const cooling = renewal.coolingDownError(now);
    if (cooling) return Promise.reject(cooling);
    if (renewal.nextAttemptAt - now >= this.options.tokenWaitTimeoutMs) {
      return Promise.reject(renewal.lastError ?? new ZumRailsTokenUnavailableError());
    }
    return this.flight.waitForNext();
  }

  private withWaitLimit(attempt: Promise<IssuedToken>): Promise<IssuedToken> {
    const limit = this.options.tokenWaitTimeoutMs;
    return withDeadline(
      attempt,
      limit,
      () =>
        new ZumRailsTokenUnavailableError(
          this.renewal.lastError?.code ?? 'unavailable',
          `no Zum Rails token within ${limit} ms`,
        ),
    );
  }

  /** Single flight: one acquisition at a time, shared by every caller and the timer. */
  private startLogin(): Promise<IssuedToken> {
    return this.flight.join(
      () => {
        this.renewal.lastAttemptAt = this.clock.now();
        return this.acquirer.acquire(this.current?.value);
      },
      {
        done: (acquired) => this.onAcquired(acquired),
        failed: (error) =>
          this.onLoginFailure(
            error instanceof ZumRailsAuthError
              ? error
              : new ZumRailsUnavailableError('unexpected login failure'),
          ),
      },
    );
  }

  private onAcquired({ token, origin }: AcquiredToken): IssuedToken {
    const previous = this.current;
    this.current = token;
    this.secrets.rememberToken(token.value);
    this.renewal.succeeded(token.issuedAt);
    const base = {
      at: this.clock.now(),
      expiresAt: token.expiresAt,
      fingerprint: token.fingerprint,
    };
    this.emitter.next(
      previous
        ? { type: 'renewed', ...base, previousFingerprint: previous.fingerprint, origin }
        : { type: 'acquired', ...base, origin },
    );
    this.schedule(renewalDelayMs(token, this.clock.now(), this.options, Math.random()));
    return token;
  }

  private onLoginFailure(error: ZumRailsAuthError): ZumRailsAuthError {
    const now = this.clock.now();
    const delay = this.renewal.failed(error, now, this.options);
    if (error.code === 'credentials-rejected') {
      const { status } = error;
      const attempt = this.renewal.consecutiveFailures;
      this.emitter.next({
        type: 'credentials-rejected',
        at: now,
        status,
        attempt,
        nextRetryInMs: delay,
      });
    }
    this.emitter.next({
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
      this.noteExpiry(this.clock.now());
      void this.startLogin().catch(() => undefined);
    });
  }

  /** Cancels `token` at Zum Rails; it is dead for the whole fleet, so it leaves the store too. */
  private async revoke(token: IssuedToken, timeoutMs: number): Promise<void> {
    const removed = this.acquirer.discard(token.value);
    let outcome: CancelOutcome | undefined;
    try {
      outcome = await this.client.cancel(token.value, timeoutMs);
    } finally {
      await removed;
      this.emitter.next({
        type: 'cancelled',
        at: this.clock.now(),
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
    this.emitter.next({ type: 'expired', at: now, fingerprint: token.fingerprint });
  }

  private assertRunning(): void {
    if (this.stopped) throw new ZumRailsShutDownError();
  }
}
