import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisTokenStore } from '../../lib/index.js';
import { storeKeys } from '../../lib/store/store-keys.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from '../support/log-capture.js';
import { RedisServer } from './support/redis-server.js';
import { callContinuously, replicaOptions, startReplica, type Replica } from './support/replica.js';

describe('Fleet on Redis: Redis goes away and comes back', () => {
  let redis: RedisServer;
  let fake: FakeZumRails;
  let replicas: Replica[] = [];
  const logs = new LogCapture();

  beforeEach(async () => {
    redis = await RedisServer.start();
    fake = await FakeZumRails.start({ tokenTtlSeconds: 3 });
    replicas = [];
  });
  afterEach(async () => {
    for (const replica of replicas) await replica.app.close();
    await redis?.stop();
    await fake?.stop();
  });

  it('fails no caller while Redis is down, degrades to per-process tokens, and shares through Redis again after it restarts', async () => {
    for (let i = 0; i < 3; i++) {
      const store = new RedisTokenStore(redis.client());
      replicas.push(await startReplica(`r${i}`, replicaOptions(fake, { store }), logs));
    }
    const inspector = redis.client();
    const tokenKey = storeKeys(fake.url, fake.username).token;
    let phase: 'up' | 'down' | 'back' = 'up';
    const recovered = () => replicas.every((replica) => replica.tokens.getStatus().store === 'ok');
    const callers = callContinuously(fake, replicas, 25, () => phase === 'back' && recovered());

    await sleep(1_000);
    expect(fake.counters.logins).toBe(1);
    await redis.kill();
    phase = 'down';
    const loginsAtOutage = fake.counters.logins;
    await sleep(2_800); // at least one renewal per replica (every 1.2–1.5 s) without Redis
    expect(replicas.map((replica) => replica.tokens.getStatus().store)).toEqual([
      'degraded',
      'degraded',
      'degraded',
    ]);
    // Each replica renewed on its own: about one login per replica per rotation.
    expect(fake.counters.logins - loginsAtOutage).toBeGreaterThanOrEqual(3);

    await redis.restart();
    phase = 'back';
    const { failures, calls } = await callers; // runs until every replica reports store: ok
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(300);

    // Renewal goes through Redis again: the record is back and the fleet converges on it
    // within one more rotation.
    const handedOut = () => Promise.all(replicas.map((replica) => replica.tokens.getToken()));
    const deadline = Date.now() + 3_000;
    while (new Set(await handedOut()).size > 1 && Date.now() < deadline) await sleep(50);
    const tokens = await handedOut();
    expect(new Set(tokens).size).toBe(1);
    expect(await inspector.get(tokenKey)).toContain(tokens[0]);
    const warnings = logs.lines.filter((line) => /Token store unavailable/.test(line.message));
    expect(warnings).toHaveLength(3); // one per replica, however many calls failed
    expect(
      logs.lines.filter((line) => /Token store answers again/.test(line.message)),
    ).toHaveLength(3);
  }, 30_000);
});
