import { describe, expect, it } from '@jest/globals';
import type { Cluster, Redis } from 'ioredis';
import { ZumRailsRedisTokenStore, type ZumRailsRedisTokenStoreClient } from '../../../lib/index.js';

// Compile-time: both ioredis clients fit the structural type the library declares.
const fits: Array<(client: Redis | Cluster) => ZumRailsRedisTokenStoreClient> = [
  (client) => client,
];
void fits;

/** Records EVAL calls and answers from a script of replies. */
class StubRedis implements ZumRailsRedisTokenStoreClient {
  status = 'ready';
  readonly calls: unknown[][] = [];
  constructor(private readonly replies: unknown[]) {}
  async eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown> {
    this.calls.push([script, numkeys, ...args]);
    return this.replies.shift();
  }
}

describe('ZumRailsRedisTokenStore', () => {
  it('reads value and PTTL in one script; -1 (no expiry) becomes undefined', async () => {
    const redis = new StubRedis([['v', 1234], null, ['w', -1]]);
    const store = new ZumRailsRedisTokenStore(redis);
    expect(await store.get('k')).toEqual({ value: 'v', ttlMs: 1234 });
    expect(await store.get('k')).toBeUndefined();
    expect(await store.get('k')).toEqual({ value: 'w', ttlMs: undefined });
    expect(redis.calls[0]!.slice(1)).toEqual([1, 'k']);
  });

  it('rejects a reply it does not understand', async () => {
    await expect(new ZumRailsRedisTokenStore(new StubRedis([42])).get('k')).rejects.toThrow(
      /unexpected/,
    );
  });

  it('sends compare-and-set with the expected value or "absent", and a whole-ms PX', async () => {
    const redis = new StubRedis([1, 0]);
    const store = new ZumRailsRedisTokenStore(redis);
    expect(await store.compareAndSet('k', undefined, 'v', 1500.2)).toBe(true);
    expect(await store.compareAndSet('k', 'old', 'v', 0)).toBe(false);
    expect(redis.calls[0]!.slice(1)).toEqual([1, 'k', 'absent', '', 'v', 1501]);
    expect(redis.calls[1]!.slice(1)).toEqual([1, 'k', 'equals', 'old', 'v', 1]);
  });

  it('takes the lease with SET NX PX and releases it only for its holder', async () => {
    const redis = new StubRedis([1, 0, 1]);
    const store = new ZumRailsRedisTokenStore(redis);
    expect(await store.acquireLease('lease', 'me', 1000)).toBe(true);
    expect(await store.acquireLease('lease', 'you', 1000)).toBe(false);
    expect(await store.releaseLease('lease', 'me')).toBe(true);
    expect(String(redis.calls[0]![0])).toMatch(/'NX', 'PX'/);
    expect(String(redis.calls[2]![0])).toMatch(/GET.*==\s*ARGV\[1\].*DEL/s);
  });

  it('takes a rate slot in one script over the log and its pause key, and checks the reply', async () => {
    const redis = new StubRedis([[1, 0, 4], [0, 1234, 0], ['x'], 1, 1]);
    const store = new ZumRailsRedisTokenStore(redis);
    expect(await store.takeRateSlot('rl', 5, 1000.4, 'id-1', 3000)).toEqual({
      taken: true,
      waitMs: 0,
      remaining: 4,
    });
    expect(await store.takeRateSlot('rl', 5, 1000, 'id-2', 3000)).toEqual({
      taken: false,
      waitMs: 1234,
      remaining: 0,
    });
    await expect(store.takeRateSlot('rl', 5, 1000, 'id-3', 3000)).rejects.toThrow(/unexpected/);
    await store.pauseRateLimit('rl', 2500.5);
    await store.releaseRateSlot('rl', 'id-1', 0);
    expect(redis.calls[0]!.slice(1)).toEqual([2, 'rl', 'rl:pause', 5, 1001, 'id-1', 3000]);
    expect(String(redis.calls[0]![0])).toMatch(/ZREMRANGEBYSCORE.*ZCARD.*ZADD/s);
    expect(redis.calls[3]!.slice(1)).toEqual([1, 'rl:pause', 2501]);
    expect(redis.calls[4]!.slice(1)).toEqual([1, 'rl', 'id-1', 0]);
    expect(String(redis.calls[4]![0])).toMatch(/ZADD', KEYS\[1\], 'XX'/);
  });

  it.each(['reconnecting', 'end', 'close'])(
    'fails fast while the connection is %s instead of queueing a command for later',
    async (status) => {
      const redis = new StubRedis([]);
      redis.status = status;
      await expect(new ZumRailsRedisTokenStore(redis).get('k')).rejects.toThrow(status);
      expect(redis.calls).toHaveLength(0);
    },
  );

  it('sends commands while connecting (the first command waits for the connection)', async () => {
    const redis = new StubRedis([null]);
    redis.status = 'connecting';
    expect(await new ZumRailsRedisTokenStore(redis).get('k')).toBeUndefined();
  });
});
