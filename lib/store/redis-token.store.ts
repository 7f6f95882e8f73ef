import {
  ACQUIRE_LEASE,
  COMPARE_AND_DELETE,
  COMPARE_AND_SET,
  GET_WITH_TTL,
} from './redis-scripts.js';
import { SafeToLog } from '../util/safe-to-log.js';
import { PAUSE_RATE_LIMIT, RELEASE_RATE_SLOT, TAKE_RATE_SLOT } from './redis-rate-scripts.js';
import type {
  ZumRailsRateSlotAnswer,
  ZumRailsStoredValue,
  ZumRailsTokenStore,
} from './token-store.interface.js';

/**
 * What `ZumRailsRedisTokenStore` needs from a client: an ioredis `Redis` or `Cluster` fits. Declared
 * here so the library never imports ioredis, not even its types.
 */
export interface ZumRailsRedisTokenStoreClient {
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** ioredis connection status; commands fail fast while it is reconnecting or closed. */
  readonly status?: string;
}

/**
 * Statuses in which a command would sit in ioredis' offline queue and run much later, perhaps
 * writing a stale token. The store fails fast instead; the replica logs in on its own.
 */
const NOT_CONNECTED = new Set(['reconnecting', 'close', 'end', 'disconnecting']);

/**
 * A `ZumRailsTokenStore` on Redis through a client you own and configure (connection, TLS, auth,
 * Sentinel or Cluster). The library never closes it. Each operation is one `EVAL` of a small
 * Lua script (`SET NX PX` for the lease, compare-and-set, compare-and-delete, the sliding
 * window log of a rate limit), so it is atomic.
 *
 * ```ts
 * import { Redis } from 'ioredis';
 * ZumRailsAuthModule.forRoot({ ...credentials, store: new ZumRailsRedisTokenStore(new Redis(url)) });
 * ```
 */
@SafeToLog()
export class ZumRailsRedisTokenStore implements ZumRailsTokenStore {
  /** @param redis an ioredis client (`new Redis(...)` or `new Cluster(...)`). */
  constructor(private readonly redis: ZumRailsRedisTokenStoreClient) {}

  async get(key: string): Promise<ZumRailsStoredValue | undefined> {
    const reply = await this.run(GET_WITH_TTL, key);
    if (reply === null || reply === undefined) return undefined;
    if (!Array.isArray(reply) || typeof reply[0] !== 'string' || typeof reply[1] !== 'number') {
      throw new Error('unexpected reply to GET/PTTL');
    }
    return { value: reply[0], ttlMs: reply[1] >= 0 ? reply[1] : undefined };
  }

  async compareAndSet(
    key: string,
    expected: string | undefined,
    value: string,
    ttlMs: number,
  ): Promise<boolean> {
    const mode = expected === undefined ? 'absent' : 'equals';
    const reply = await this.run(COMPARE_AND_SET, key, mode, expected ?? '', value, px(ttlMs));
    return reply === 1;
  }

  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    return (await this.run(COMPARE_AND_DELETE, key, expected)) === 1;
  }

  async acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.run(ACQUIRE_LEASE, key, holder, px(ttlMs))) === 1;
  }

  async releaseLease(key: string, holder: string): Promise<boolean> {
    return this.compareAndDelete(key, holder);
  }

  async takeRateSlot(
    key: string,
    limit: number,
    windowMs: number,
    id: string,
    holdMs: number,
  ): Promise<ZumRailsRateSlotAnswer> {
    const keys = [key, pauseKey(key)];
    const reply = await this.runOn(TAKE_RATE_SLOT, keys, limit, px(windowMs), id, px(holdMs));
    if (!Array.isArray(reply) || reply.length !== 3 || !reply.every(Number.isFinite)) {
      throw new Error('unexpected reply to the rate slot script');
    }
    const [taken, waitMs, remaining] = reply as number[];
    return { taken: taken === 1, waitMs: waitMs!, remaining: remaining! };
  }

  async releaseRateSlot(key: string, id: string, afterMs: number): Promise<void> {
    await this.runOn(RELEASE_RATE_SLOT, [key], id, Math.max(0, Math.ceil(afterMs)));
  }

  async pauseRateLimit(key: string, ms: number): Promise<void> {
    await this.runOn(PAUSE_RATE_LIMIT, [pauseKey(key)], px(ms));
  }

  private run(script: string, key: string, ...args: (string | number)[]): Promise<unknown> {
    return this.runOn(script, [key], ...args);
  }

  private runOn(script: string, keys: string[], ...args: (string | number)[]): Promise<unknown> {
    const status = this.redis.status;
    if (status !== undefined && NOT_CONNECTED.has(status)) {
      return Promise.reject(new Error(`Redis connection is ${status}`));
    }
    return this.redis.eval(script, keys.length, ...keys, ...args);
  }
}

/** The pause of a rate limit's log: the same `{hash tag}`, so the same Cluster slot. */
function pauseKey(key: string): string {
  return `${key}:pause`;
}

/** Redis wants a positive integer for PX. */
function px(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}

/** @deprecated use `ZumRailsRedisTokenStore` (the same class); removed in 2.0 */
export const RedisTokenStore = ZumRailsRedisTokenStore;
/** @deprecated use `ZumRailsRedisTokenStore`; removed in 2.0 */
export type RedisTokenStore = ZumRailsRedisTokenStore;
/** @deprecated use `ZumRailsRedisTokenStoreClient`; removed in 2.0 */
export type RedisTokenStoreClient = ZumRailsRedisTokenStoreClient;
