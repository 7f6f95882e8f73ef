import { SafeToLog } from '../logging/module-logger.js';
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

/**
 * The Lua scripts behind `ZumRailsRedisTokenStore`. Each touches one key, so they are atomic and work
 * on Redis Cluster too. Redis returns `false` for a missing key inside Lua.
 */

/** KEYS[1] → `nil`, or `{value, pttl}` read atomically (`pttl` is −1 without an expiry). */
export const GET_WITH_TTL = `
local value = redis.call('GET', KEYS[1])
if not value then return nil end
return {value, redis.call('PTTL', KEYS[1])}
`;

/**
 * KEYS[1]; ARGV: mode ('absent' | 'equals'), expected, value, ttl ms → 1 when written.
 * Compare-and-set: write only over the value the caller saw.
 */
export const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
local matches = (ARGV[1] == 'absent' and not current) or (ARGV[1] == 'equals' and current == ARGV[2])
if not matches then return 0 end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return 1
`;

/** KEYS[1]; ARGV[1] expected → 1 when deleted. Also releases a lease only for its holder. */
export const COMPARE_AND_DELETE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS[1]; ARGV: holder, ttl ms → 1 when taken. `SET NX PX`. */
export const ACQUIRE_LEASE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`;

/**
 * The Lua scripts behind `ZumRailsRedisTokenStore`'s rate limits. KEYS[1] is a rule's log (a sorted
 * set of call ids scored by when their slot starts its last window), KEYS[2] its pause; both
 * carry the same `{hash tag}`, so they share a Redis Cluster slot. Time is Redis `TIME`: the
 * whole fleet counts on one clock, so replicas' clock skew never widens or narrows a window.
 */

/**
 * KEYS[1] log, KEYS[2] pause; ARGV: limit, window ms, call id, hold ms →
 * `{taken 0|1, waitMs, remaining}`. One round trip: expire entries whose window is over
 * (ZREMRANGEBYSCORE), count (ZCARD), add the call (ZADD, scored `now + hold`: in flight until
 * released) when there is room, else the earliest the oldest entry can leave.
 */
export const TAKE_RATE_SLOT = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {0, paused, 0} end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local hold = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used < limit then
  redis.call('ZADD', KEYS[1], now + hold, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + hold)
  return {1, 0, limit - used - 1}
end
-- The oldest entry frees first; one still in flight (scored in the future) at the earliest
-- one window from now: a lower bound, never an overestimate.
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, math.min(tonumber(oldest[2]), now) + window - now), 0}
`;

/**
 * KEYS[1] log; ARGV: call id, after ms → 1. The call settled: its window starts now (plus
 * `after`). `XX`: an entry that already left the log is not added back.
 */
export const RELEASE_RATE_SLOT = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
return 1
`;

/** KEYS[1] pause; ARGV[1] ms → 1. Extends a pause, never shortens one. */
export const PAUSE_RATE_LIMIT = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
`;
