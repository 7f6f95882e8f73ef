import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  ZumRailsInMemoryTokenStore,
  ZumRailsClient,
  type ZumRailsRateSlotAnswer,
  type ZumRailsAuthOptions,
} from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from '../support/log-capture.js';
import { busiestWindow } from '../support/rate-windows.js';
import { apiRequests } from '../support/zumrails-assertions.js';
import { FlakyStore } from './support/flaky-store.js';
import { replicaOptions, startReplica, type Replica } from './support/replica.js';

/** A store whose rate limit calls can be made to fail, like a Redis that went away. */
class RateStore extends ZumRailsInMemoryTokenStore {
  failing = false;
  takes = 0;

  override takeRateSlot(
    key: string,
    limit: number,
    windowMs: number,
    id: string,
    holdMs: number,
  ): Promise<ZumRailsRateSlotAnswer> {
    this.takes++;
    if (this.failing) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1'));
    return super.takeRateSlot(key, limit, windowMs, id, holdMs);
  }
}

/** Rate limits shared by replicas in one process through a store (no Redis needed). */
describe('rateLimits through a shared store (in process)', () => {
  let fake: FakeZumRails;
  let replicas: Replica[];
  let logs: LogCapture;

  beforeEach(async () => {
    fake = await FakeZumRails.start();
    replicas = [];
    logs = new LogCapture();
  });
  afterEach(async () => {
    for (const replica of replicas) await replica.app.close();
    await fake.stop();
  });

  async function fleet(size: number, overrides: Partial<ZumRailsAuthOptions>) {
    for (let i = 0; i < size; i++) {
      replicas.push(await startReplica(`r${i}`, replicaOptions(fake, overrides), logs));
    }
    await Promise.all(replicas.map((replica) => replica.tokens.getToken()));
    return replicas.map((replica) => replica.app.get(ZumRailsClient));
  }

  const echo = () => apiRequests(fake).filter((request) => request.path.startsWith('/api/echo/'));
  const rule = { path: '/api/echo/*', limit: 3, windowMs: 400 };

  it('two replicas together stay under one limit', async () => {
    const clients = await fleet(2, {
      store: new ZumRailsInMemoryTokenStore(),
      rateLimits: { rules: [rule] },
    });
    await Promise.all(
      clients.flatMap((client, r) =>
        Array.from({ length: 6 }, (_, i) => client.get(`/api/echo/${r}-${i}`)),
      ),
    );
    expect(echo()).toHaveLength(12);
    expect(busiestWindow(echo(), 400)).toBeLessThanOrEqual(3);
  });

  it('a store without takeRateSlot: each replica counts its own calls, and says so once', async () => {
    const store = new FlakyStore();
    const clients = await fleet(2, { store, rateLimits: { rules: [rule] } });
    await Promise.all(clients.map((client, r) => client.get(`/api/echo/${r}`)));
    expect(logs.events('rate-store-unsupported')).toHaveLength(2); // one per replica
    await Promise.all(
      clients.flatMap((client, r) =>
        Array.from({ length: 3 }, (_, i) => client.get(`/api/echo/${r}-${i}`)),
      ),
    );
    // Per replica under its limit; together up to twice it.
    for (const r of [0, 1]) {
      const own = echo().filter((request) => request.path.startsWith(`/api/echo/${r}`));
      expect(busiestWindow(own, 400)).toBeLessThanOrEqual(3);
    }
  });

  it('a failing store fails no call: the local budget goes on, one warning, one line when it is back', async () => {
    const store = new RateStore();
    const [client] = await fleet(1, { store, rateLimits: { rules: [rule] } });
    store.failing = true;
    await Promise.all(Array.from({ length: 6 }, (_, i) => client!.get(`/api/echo/${i}`)));
    expect(busiestWindow(echo(), 400)).toBeLessThanOrEqual(3);
    expect(logs.events('rate-store-unavailable')).toHaveLength(1);
    expect(logs.events('rate-store-unavailable')[0]!.message).toMatch(
      /Token store unavailable for rate limits \(takeRateSlot: connect ECONNREFUSED/,
    );
    store.failing = false;
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the store is retried after 1 s
    const takes = store.takes;
    await client!.get('/api/echo/back');
    expect(store.takes).toBe(takes + 1);
    expect(logs.events('rate-store-recovered')).toHaveLength(1);
  });

  it('a 429 seen by one replica pauses the rule on every replica', async () => {
    const clients = await fleet(2, {
      store: new ZumRailsInMemoryTokenStore(),
      rateLimits: { rules: [{ path: '/api/echo/*', limit: 100, windowMs: 60_000 }] },
      apiRetry: false,
    });
    fake.failApi({ kind: 'rate-limited', retryAfterSeconds: 1 });
    await expect(clients[0]!.get('/api/echo/limited')).rejects.toMatchObject({ status: 429 });
    await clients[1]!.get('/api/echo/other-replica');
    const [limited, other] = echo();
    expect(other!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(1_000);
  });
});
