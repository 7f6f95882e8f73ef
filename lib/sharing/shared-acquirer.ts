import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../util/clock.js';
import { ZumRailsShutDownError } from '../errors/zumrails-auth.errors.js';
import type {
  ResolvedStoreOptions,
  ResolvedZumRailsAuthOptions,
} from '../options/zumrails-auth-options.interface.js';
import { SharedToken, type SharedRead } from './shared-token.js';
import { storeKeys } from './store-keys.js';
import { RESOLVED_STORE_OPTIONS } from '../store/store.constants.js';
import { TokenStore } from '../store/token-store.interface.js';
import { logRecord } from '../logging/log-record.js';
import { ModuleLogger } from '../logging/module-logger.js';
import { ZumRailsMetrics } from '../metrics/zumrails-metrics.js';
import { RESOLVED_OPTIONS, ZUMRAILS_CLOCK } from '../zumrails-auth.constants.js';
import { AuthorizeClient } from '../token/authorize.client.js';
import { renewalDelayMs } from '../token/renewal-plan.js';
import { LoginBudget, type ZumRailsLoginBudgetStatus } from '../token/login-budget.js';
import {
  issueLoginToken,
  jwtLifetimeMs,
  MAX_TOKEN_LIFETIME_MS,
  type IssuedToken,
} from '../token/issued-token.js';
import type { ZumRailsTokenOrigin } from '../token/token-events.js';
import type { ZumRailsStoreState } from '../token/token-status.js';

export interface AcquiredToken {
  readonly token: IssuedToken;
  readonly origin: ZumRailsTokenOrigin;
}

/** Mean pause between two looks at the store while another replica holds the lease. */
const POLL_MS = 100;
/** Lease time beyond the slowest possible login and two store calls. */
const LEASE_MARGIN_MS = 250;
/** Discarded tokens remembered, so a stale read never brings one back. */
const DISCARDED_KEPT = 16;

/**
 * Gets TokenService a token (TokenService keeps single-flight, schedule and events). Adopts a
 * fresh token from the store when there is one; otherwise takes the lease (`SET NX PX`), looks
 * again, logs in and compare-and-sets the record. While another replica holds the lease it
 * polls briefly, and takes over when that lease lapses (a dead holder). A failing store means
 * "log in alone", never an error for a caller.
 */
@Injectable()
export class TokenAcquirer {
  /** Longer than a login may take (+ two store calls), so only a dead holder's lease lapses. */
  readonly leaseTtlMs: number;
  private readonly shared: SharedToken;
  /** Names this replica in the lease, so an operator can see who is renewing. */
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly discarded = new Set<string>();
  private removal: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();
  private readonly budget: LoginBudget;
  private clampReported = false;

  constructor(
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedZumRailsAuthOptions,
    @Inject(RESOLVED_STORE_OPTIONS) storeOptions: ResolvedStoreOptions,
    @Inject(ZUMRAILS_CLOCK) private readonly clock: Clock,
    private readonly client: AuthorizeClient,
    @Inject(TokenStore) store: TokenStore,
    private readonly logger: ModuleLogger,
    private readonly metrics: ZumRailsMetrics,
  ) {
    const keys = storeKeys(options.baseUrl, options.username);
    this.shared = new SharedToken(store, storeOptions, keys, clock, this.logger);
    this.budget = new LoginBudget(options.maxLoginsPerMinute);
    this.leaseTtlMs = options.requestTimeoutMs + 2 * storeOptions.timeoutMs + LEASE_MARGIN_MS;
  }

  get storeState(): ZumRailsStoreState {
    return this.shared.state;
  }

  /** Logins of the last minute against `maxLoginsPerMinute`. */
  get budgetStatus(): ZumRailsLoginBudgetStatus {
    return this.budget.status(this.clock.now());
  }

  /**
   * A token to replace `replacing` (or a first one).
   * @throws ZumRailsAuthError subclass of a failed login; `ZumRailsShutDownError` once stopped.
   */
  async acquire(replacing: string | undefined): Promise<AcquiredToken> {
    await this.removal;
    const read = await this.shared.read();
    const adopted = this.adoptable(read, replacing);
    if (adopted) return { token: adopted, origin: 'store' };
    if (!read.reachable) return this.login(undefined, false);
    return this.renewUnderLease(replacing);
  }

  /**
   * Never adopts `token` again, and deletes it from the store if it is still the stored one.
   * Resolves (never rejects) when the store has answered or timed out.
   */
  discard(token: string): Promise<void> {
    this.discarded.add(token);
    if (this.discarded.size > DISCARDED_KEPT) {
      this.discarded.delete(this.discarded.values().next().value as string);
    }
    this.removal = this.removal.then(() => this.shared.remove(token));
    return this.removal;
  }

  /** Ends polling and refuses further logins (application shutdown). */
  stop(): void {
    this.stopping.abort();
  }

  private async renewUnderLease(replacing: string | undefined): Promise<AcquiredToken> {
    const maxPolls = Math.ceil(this.leaseTtlMs / POLL_MS) + 1;
    for (let poll = 0; ; poll++) {
      const lease = await this.shared.takeLease(this.holder, this.leaseTtlMs);
      if (!lease.ok) return this.login(undefined, false);
      if (lease.value) return this.renewAsHolder(replacing);
      await this.pause(POLL_MS * (0.75 + Math.random() / 2));
      const read = await this.shared.read();
      const adopted = this.adoptable(read, replacing);
      if (adopted) return { token: adopted, origin: 'store' };
      if (!read.reachable) return this.login(undefined, false);
      // The holder neither wrote a token nor let its lease lapse in time: stop waiting for it.
      if (poll >= maxPolls) return this.login(read.raw, true);
    }
  }

  private async renewAsHolder(replacing: string | undefined): Promise<AcquiredToken> {
    try {
      // Another replica may have renewed between our first look and taking the lease.
      const read = await this.shared.read();
      const adopted = this.adoptable(read, replacing);
      if (adopted) return { token: adopted, origin: 'store' };
      return await this.login(read.reachable ? read.raw : undefined, read.reachable);
    } finally {
      this.shared.releaseLease(this.holder);
    }
  }

  /** Logs in; with `publish`, writes the token over `expected` (compare-and-set). */
  private async login(expected: string | undefined, publish: boolean): Promise<AcquiredToken> {
    if (this.stopping.signal.aborted) throw new ZumRailsShutDownError();
    const sentAt = this.clock.now();
    this.budget.take(sentAt);
    const result = await this.metrics.timeLogin(() => this.client.login());
    this.reportClamp(result.token);
    const ttl = this.options.fallbackTokenTtlMs;
    const token = issueLoginToken(result.token, result.session, sentAt, ttl);
    if (publish) await this.shared.write(token, expected);
    return { token, origin: 'login' };
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

  /**
   * The stored token when it may replace ours: another one, not discarded, still usable, and,
   * when we are renewing (rather than starting cold), not itself due for renewal.
   */
  private adoptable(read: SharedRead, replacing: string | undefined): IssuedToken | undefined {
    const token = read.reachable ? read.token : undefined;
    if (!token || token.value === replacing || this.discarded.has(token.value)) return undefined;
    const now = this.clock.now();
    if (now >= token.usableUntil) return undefined;
    const due = replacing !== undefined && renewalDelayMs(token, now, this.options, 0) === 0;
    return due ? undefined : token;
  }

  private async pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.stopping.signal, ref: false });
    } catch {
      throw new ZumRailsShutDownError();
    }
  }
}
