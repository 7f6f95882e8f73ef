import type { RecordLogger } from '../logging/module-logger.js';
import type { ResolvedSharingOptions } from '../options/zumrails-auth-options.interface.js';
import { tokenLifetimeMs, tokenWithLifetime, type IssuedToken } from '../token/issued-token.js';
import type { ZumRailsStoreState } from '../token/token-status.js';
import { StoreGuard, type StoreOutcome } from './store-guard.js';
import type { StoreKeys } from './store-keys.js';
import { TokenRecordCodec, type TokenRecord } from './token-record.js';

/** One read of the shared record. */
export type SharedRead =
  /** The store failed or timed out. */
  | { readonly reachable: false }
  /** `raw`: the stored value (for compare-and-set); `token`: it, decoded onto the local clock. */
  | { readonly reachable: true; readonly raw?: string; readonly token?: IssuedToken };

/**
 * The fleet's token record and renewal lease for one set of credentials, in a `ZumRailsTokenStore`:
 * encoding (optionally encrypted), keys, TTLs. Every call is bounded and never throws.
 */
export class SharedToken {
  private readonly guard: StoreGuard;
  private readonly codec: TokenRecordCodec;

  constructor(
    options: ResolvedSharingOptions,
    private readonly keys: StoreKeys,
    logger: RecordLogger,
  ) {
    this.guard = new StoreGuard(options.store, options.timeoutMs, logger);
    this.codec = new TokenRecordCodec(options.encryptionKey);
  }

  get state(): ZumRailsStoreState {
    return this.guard.state;
  }

  async read(): Promise<SharedRead> {
    const now = Date.now();
    const read = await this.guard.run('get', (store) => store.get(this.keys.token));
    if (!read.ok) return { reachable: false };
    if (!read.value) return { reachable: true };
    const raw = read.value.value;
    const decoded = this.codec.decode(raw, this.keys.token);
    if ('problem' in decoded) {
      this.guard.reportRecordProblem(decoded.problem);
      return { reachable: true, raw };
    }
    try {
      return { reachable: true, raw, token: localToken(decoded.record, read.value.ttlMs, now) };
    } catch {
      // Absurd claims in the stored token: as unreadable as a corrupt record.
      this.guard.reportRecordProblem('unreadable');
      return { reachable: true, raw };
    }
  }

  /** Stores `token` until its expiry if the record is still `expected` (compare-and-set). */
  async write(token: IssuedToken, expected: string | undefined): Promise<void> {
    const ttlMs = token.expiresAt - Date.now();
    if (ttlMs <= 0) return;
    const { issuedAt, expiresAt, ...session } = token.session;
    const record: TokenRecord = {
      token: token.value,
      session,
      lifetimeMs: expiresAt - issuedAt,
      issuedAt,
      expiresAt,
    };
    const raw = this.codec.encode(record, this.keys.token);
    await this.guard.run('compareAndSet', (store) =>
      store.compareAndSet(this.keys.token, expected, raw, ttlMs),
    );
  }

  /** Deletes the record if it still holds `token` (compare-and-delete). */
  async remove(token: string): Promise<void> {
    const read = await this.read();
    if (!read.reachable || read.raw === undefined || read.token?.value !== token) return;
    const raw = read.raw;
    await this.guard.run('compareAndDelete', (store) =>
      store.compareAndDelete(this.keys.token, raw),
    );
  }

  takeLease(holder: string, ttlMs: number): Promise<StoreOutcome<boolean>> {
    return this.guard.run('acquireLease', (store) =>
      store.acquireLease(this.keys.lease, holder, ttlMs),
    );
  }

  /** Gives the lease back if `holder` still holds it; not awaited by anyone. */
  releaseLease(holder: string): void {
    void this.guard.run('releaseLease', (store) => store.releaseLease(this.keys.lease, holder));
  }
}

/**
 * The stored token on this replica's clock: it expires when the store drops it (the store's
 * TTL: one clock for the whole fleet, so replica clocks may disagree), never later than its
 * full lifetime from now.
 */
function localToken(record: TokenRecord, ttlMs: number | undefined, now: number): IssuedToken {
  // The writer's lifetime (already shortened by the iat rounding), never more than the JWT
  // says nor 24 h: a huge TTL in the store must not become an absurd expiry here.
  const lifetime = Math.min(record.lifetimeMs, tokenLifetimeMs(record.token, record.lifetimeMs));
  const remaining = Math.min(lifetime, ttlMs ?? record.expiresAt - now);
  return tokenWithLifetime(record.token, record.session, now + remaining - lifetime, lifetime);
}
