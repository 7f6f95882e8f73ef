import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  ZumRailsRedisTokenStore,
  ZumRailsClient,
  type ZumRailsAuthOptions,
} from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from '../support/log-capture.js';
import { busiestWindow } from '../support/rate-windows.js';
import { apiRequests, until } from '../support/zumrails-assertions.js';
import { RedisServer } from './support/redis-server.js';
import { replicaOptions, startReplica, type Replica } from './support/replica.js';

const WINDOW_MS = 4_000;
const rule = { path: '/api/echo/*', methods: ['GET'], limit: 8, windowMs: WINDOW_MS };
/** Long enough for a call to wait two windows for its slot. */
const patient = { zumRailsTimeoutMs: 20_000 };

/** Rate limits of replicas (separate Nest contexts, separate ioredis clients) on one Redis. */
describe('rateLimits across a fleet on Redis', () => {
  let redis: RedisServer;
  let fake: FakeZumRails;
  let replicas: Replica[];
  let logs: LogCapture;

  beforeEach(async () => {
    logs = new LogCapture();
    redis = await RedisServer.start();
    fake = await FakeZumRails.start();
    replicas = [];
  });
  afterEach(async () => {
    for (const replica of replicas) await replica.app.close();
    await redis.stop();
    await fake.stop();
  });

  async function fleet(overrides: (i: number) => Partial<ZumRailsAuthOptions>) {
    for (let i = 0; i < 3; i++) {
      replicas.push(await startReplica(`r${i}`, replicaOptions(fake, overrides(i)), logs));
    }
    await Promise.all(replicas.map((replica) => replica.tokens.getToken()));
    return replicas.map((replica) => replica.app.get(ZumRailsClient));
  }

  const echo = (prefix = '/api/echo/') =>
    apiRequests(fake).filter((request) => request.path.startsWith(prefix));

  it('3 replicas, 24 concurrent GETs, 8 per 4 s: every call completes, no 4-s window holds more than 8', async () => {
    const clients = await fleet(() => ({
      store: new ZumRailsRedisTokenStore(redis.client()),
      rateLimits: { rules: [rule] },
    }));
    const calls = clients.flatMap((client, r) =>
      Array.from({ length: 8 }, (_, i) => client.get(`/api/echo/${r}-${i}`, patient)),
    );
    await Promise.all(calls);
    expect(echo()).toHaveLength(24);
    expect(busiestWindow(echo(), WINDOW_MS)).toBeLessThanOrEqual(8);
    expect(logs.events('rate-store-unavailable')).toHaveLength(0);
  }, 30_000);

  it('without a store, each replica stays under its own limit (and the fleet does not)', async () => {
    const clients = await fleet(() => ({ rateLimits: { rules: [rule] } }));
    await Promise.all(
      clients.flatMap((client, r) =>
        Array.from({ length: 10 }, (_, i) => client.get(`/api/echo/${r}/${i}`, patient)),
      ),
    );
    for (const r of [0, 1, 2]) {
      expect(echo(`/api/echo/${r}/`)).toHaveLength(10);
      expect(busiestWindow(echo(`/api/echo/${r}/`), WINDOW_MS)).toBeLessThanOrEqual(8);
    }
    expect(busiestWindow(echo(), WINDOW_MS)).toBeGreaterThan(8);
  }, 30_000);

  it('a 429 seen by one replica pauses the rule on every replica', async () => {
    const clients = await fleet(() => ({
      store: new ZumRailsRedisTokenStore(redis.client()),
      rateLimits: { rules: [{ ...rule, limit: 100 }] },
      apiRetry: false,
    }));
    fake.failApi({ kind: 'rate-limited', retryAfterSeconds: 1 });
    await expect(clients[0]!.get('/api/echo/limited')).rejects.toMatchObject({ status: 429 });
    await Promise.all([clients[1]!.get('/api/echo/r1'), clients[2]!.get('/api/echo/r2')]);
    const [limited, ...others] = echo();
    for (const other of others) {
      expect(other.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(1_000);
    }
  }, 20_000);

  it('Redis paused: calls go on under the local budget, one warning per replica, shared again once it answers', async () => {
    const clients = await fleet(() => ({
      store: new ZumRailsRedisTokenStore(redis.client()),
      storeTimeoutMs: 200,
      rateLimits: { rules: [{ ...rule, limit: 3, windowMs: 1_000 }] },
    }));
    await redis.pause();
    try {
      await Promise.all(
        clients.flatMap((client, r) =>
          Array.from({ length: 4 }, (_, i) => client.get(`/api/echo/${r}/${i}`, patient)),
        ),
      );
    } finally {
      await redis.resume();
    }
    for (const r of [0, 1, 2]) {
      expect(echo(`/api/echo/${r}/`)).toHaveLength(4);
      expect(busiestWindow(echo(`/api/echo/${r}/`), 1_000)).toBeLessThanOrEqual(3);
    }
    expect(logs.events('rate-store-unavailable')).toHaveLength(3);
    // The store is tried again a second later, and says so when it answers.
    await until(
      async () => {
        await Promise.all(clients.map((client) => client.get('/api/echo/probe', patient)));
        return logs.events('rate-store-recovered').length === 3;
      },
      10_000,
      'every replica counting through Redis again',
    );
  }, 30_000);
});
