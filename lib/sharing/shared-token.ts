import { type RecordLogger, failureReason, logRecord } from '../logging/module-logger.js';
import type { ResolvedSharingOptions } from '../options/zumrails-auth-options.interface.js';
import { tokenLifetimeMs, tokenWithLifetime, type IssuedToken } from '../token/issued-token.js';
import type { ZumRailsStoreState } from '../token/token-status.js';
import { TokenRecordCodec, type TokenRecord, type RecordProblem } from './token-record.js';
import { withDeadline } from '../util/waiting.js';
import type { ZumRailsTokenStore } from '../store/token-store.interface.js';
import { createHash, scryptSync } from 'node:crypto';

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

/** A store call's result, or the fact that the store did not answer usefully in time. */
export type StoreOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

const PROBLEMS: Record<RecordProblem, string> = {
  'encrypted-without-key':
    'The shared token record is encrypted but storeEncryptionKey is not set; ignoring it (give every replica the same key)',
  'plaintext-with-key':
    'The shared token record is not encrypted but storeEncryptionKey is set; ignoring it (a replica without the key wrote it?)',
  unreadable:
    'The shared token record cannot be read (another storeEncryptionKey, or not written by this library); ignoring it',
};

/**
 * Every store call goes through here: bounded by `storeTimeoutMs`, errors turned into
 * `{ ok: false }` (never thrown at a caller), and one warning when the store stops answering,
 * one line when it answers again.
 */
export class StoreGuard {
  private healthy = true;
  private readonly reported = new Set<RecordProblem>();

  constructor(
    private readonly store: ZumRailsTokenStore,
    private readonly timeoutMs: number,
    private readonly logger: RecordLogger,
  ) {}

  get state(): ZumRailsStoreState {
    return this.healthy ? 'ok' : 'degraded';
  }

  async run<T>(
    operation: string,
    call: (store: ZumRailsTokenStore) => Promise<T>,
  ): Promise<StoreOutcome<T>> {
    try {
      const attempt = Promise.resolve().then(() => call(this.store));
      const value = await withDeadline(
        attempt,
        this.timeoutMs,
        () => new Error(`no answer within ${this.timeoutMs} ms`),
      );
      this.answered();
      return { ok: true, value };
    } catch (error) {
      this.failed(operation, error);
      return { ok: false };
    }
  }

  /** Warns once per kind about a stored record this replica cannot use. */
  reportRecordProblem(problem: RecordProblem): void {
    if (this.reported.has(problem)) return;
    this.reported.add(problem);
    this.logger.warn(logRecord('store-record-unusable', PROBLEMS[problem], { problem }));
  }

  private answered(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.logger.log(
      logRecord('store-recovered', 'Token store answers again; the token is shared through it'),
    );
  }

  private failed(operation: string, error: unknown): void {
    if (!this.healthy) return;
    this.healthy = false;
    const reason = failureReason(error);
    this.logger.warn(
      logRecord(
        'store-unavailable',
        `Token store unavailable (${operation}: ${reason}); this replica logs in on its own until the store answers again`,
        { operation, reason },
      ),
    );
  }
}

/** A short, secret-free description: store errors never carry our arguments, but keep it short. */
/** The two keys one set of credentials uses in a shared store. */
export interface StoreKeys {
  /** The shared token record. */
  readonly token: string;
  /** The renewal lease: who is logging in for the fleet right now. */
  readonly lease: string;
}

/** The account's id in store keys: a SHA-256 of baseUrl and username, never the password. */
export function accountStoreId(baseUrl: string, username: string): string {
  return createHash('sha256').update(`${baseUrl}\n${username}`).digest('hex').slice(0, 32);
}

/**
 * scrypt's cost (2^14 × 8 × 128 B = 16 MiB, tens of ms): paid once per module at startup (no
 * cache shared across modules), and again by every guess of someone who reads the store's keys.
 */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/**
 * Keys bound to the whole set of credentials: base URL, username and password. A replica
 * configured with a wrong password finds nothing under its keys, logs in itself and is refused,
 * instead of silently adopting the token of the replicas whose password is right.
 *
 * The key names sit in the store in clear, so the id is scrypt(password, salt = base URL and
 * username), never the password nor a fast hash of it: one guess costs what one login of this
 * library costs at startup, not the nanoseconds of an HMAC. The hash sits in a `{hash tag}` so
 * both keys land in the same Redis Cluster slot.
 */
export function storeKeys(baseUrl: string, username: string, password: string): StoreKeys {
  const id = credentialsId(baseUrl, username, password);
  const namespace = `zumrails-auth:{${id}}`;
  return { token: `${namespace}:token`, lease: `${namespace}:lease` };
}

function credentialsId(baseUrl: string, username: string, password: string): string {
  const salt = `zumrails-auth store keys v2\n${baseUrl}\n${username}`;
  return scryptSync(password, salt, 16, SCRYPT).toString('hex');
}
