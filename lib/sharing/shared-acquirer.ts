import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ZumRailsShutDownError } from '../errors/zumrails.errors.js';
import type { RecordLogger } from '../logging/module-logger.js';
import type {
  ResolvedSharingOptions,
  ResolvedZumRailsAuthOptions,
} from '../options/zumrails-auth-options.interface.js';
import type { IssuedToken } from '../token/issued-token.js';
import { renewalDelayMs } from '../token/renewal-plan.js';
import { TokenAcquirer, type AcquiredToken, type TokenLogin } from '../token/token-acquirer.js';
import type { ZumRailsStoreState } from '../token/token-status.js';
import { SharedToken, type SharedRead } from './shared-token.js';
import { storeKeys } from './shared-token.js';

/** Mean pause between two looks at the store while another replica holds the lease. */
const POLL_MS = 100;
/** Lease time beyond the slowest possible login and two store calls. */
const LEASE_MARGIN_MS = 250;
/** Discarded tokens remembered, so a stale read never brings one back. */
const DISCARDED_KEPT = 16;

/**
 * Gets a token through the fleet's shared store. Adopts a fresh token from the store when
 * there is one; otherwise takes the lease (`SET NX PX`), looks again, logs in and
 * compare-and-sets the record. While another replica holds the lease it polls briefly, and
 * takes over when that lease lapses (a dead holder). A failing store means "log in alone",
 * never an error for a caller.
 */
export class SharedTokenAcquirer extends TokenAcquirer {
  /** Longer than a login may take (+ two store calls), so only a dead holder's lease lapses. */
  readonly leaseTtlMs: number;
  private readonly shared: SharedToken;
  /** Names this replica in the lease, so an operator can see who is renewing. */
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly discarded = new Set<string>();
  private removal: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();

  constructor(
    private readonly options: ResolvedZumRailsAuthOptions,
    sharing: ResolvedSharingOptions,
    logins: TokenLogin,
    logger: RecordLogger,
  ) {
    super(logins);
    const keys = storeKeys(options.baseUrl, options.username, options.password);
    this.shared = new SharedToken(sharing, keys, logger);
    this.leaseTtlMs = options.requestTimeoutMs + 2 * sharing.timeoutMs + LEASE_MARGIN_MS;
  }

  get storeState(): ZumRailsStoreState {
    return this.shared.state;
  }

  async acquire(replacing: string | undefined): Promise<AcquiredToken> {
    await this.removal;
    const read = await this.shared.read();
    const adopted = this.adoptable(read, replacing);
    if (adopted) return { token: adopted, origin: 'store' };
    if (!read.reachable) return this.login(undefined, false);
    return this.renewUnderLease(replacing);
  }

  /** Also deletes `token` from the store if it is still the stored one. */
  discard(token: string): Promise<void> {
    this.discarded.add(token);
    if (this.discarded.size > DISCARDED_KEPT) {
      this.discarded.delete(this.discarded.values().next().value as string);
    }
    this.removal = this.removal.then(() => this.shared.remove(token));
    return this.removal;
  }

  /** Also ends polling for another replica's token. */
  override stop(): void {
    this.stopping.abort();
    super.stop();
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
    const token = await this.logins.login();
    if (publish) await this.shared.write(token, expected);
    return { token, origin: 'login' };
  }

  /**
   * The stored token when it may replace ours: another one, not discarded, still usable, and,
   * when we are renewing (rather than starting cold), not itself due for renewal.
   */
  private adoptable(read: SharedRead, replacing: string | undefined): IssuedToken | undefined {
    const token = read.reachable ? read.token : undefined;
    if (!token || token.value === replacing || this.discarded.has(token.value)) return undefined;
    const now = Date.now();
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
