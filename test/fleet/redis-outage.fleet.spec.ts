import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ZumRailsRedisTokenStore } from '../../lib/index.js';
import { storeKeys } from '../../lib/sharing/shared-token.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from '../support/log-capture.js';
import { until } from '../support/zumrails-assertions.js';
import { RedisServer } from './support/redis-server.js';
import { callContinuously, replicaOptions, startReplica, type Replica } from './support/replica.js';

describe('Fleet on Redis: Redis goes away and comes back', () => {
  let redis: RedisServer;
  let fake: FakeZumRails;
  let replicas: Replica[] = [];
  const logs = new LogCapture();

  beforeEach(async () => {
    redis = await RedisServer.start();
    // 4-s tokens: 3 s once the 1-s iat rounding is taken off, renewed every 1.7–2 s.
    fake = await FakeZumRails.start({ tokenTtlSeconds: 4 });
    replicas = [];
  });
  afterEach(async () => {
    for (const replica of replicas) await replica.app.close();
    await redis?.stop();
    await fake?.stop();
  });

  it('fails no caller while Redis is down, degrades to per-process tokens, and shares through Redis again after it restarts', async () => {
    for (let i = 0; i < 3; i++) {
      const store = new ZumRailsRedisTokenStore(redis.client());
      replicas.push(await startReplica(`r${i}`, replicaOptions(fake, { store }), logs));
    }
    const inspector = redis.client();
    const tokenKey = storeKeys(fake.url, fake.username, fake.password).token;
    let phase: 'up' | 'down' | 'back' = 'up';
    let roundsWhileDown = 0;
    const recovered = () => replicas.every((replica) => replica.tokens.getStatus().store === 'ok');
    const callers = callContinuously(fake, replicas, 25, () => {
      if (phase === 'down') roundsWhileDown += 1;
      return phase === 'back' && recovered();
    });

    // Booting together, the fleet logs in once: one replica logs in, two adopt.
    await until(() => replicas.every((replica) => replica.events.length > 0), 5_000, 'boot');
    const firsts = replicas.map((replica) => replica.events[0]);
    expect(firsts.map((event) => 'origin' in event! && event.origin).sort()).toEqual([
      'login',
      'store',
      'store',
    ]);
    await redis.kill();
    phase = 'down';
    const loginsAtOutage = replicas.map((replica) => replica.logins());
    // Each replica renews on its own (about one login per replica per rotation) and says so.
    await until(
      () => replicas.every((replica, i) => replica.logins() > loginsAtOutage[i]!),
      10_000,
      'a login of its own by every replica while Redis is down',
    );
    expect(replicas.map((replica) => replica.tokens.getStatus().store)).toEqual([
      'degraded',
      'degraded',
      'degraded',
    ]);

    await redis.restart();
    phase = 'back';
    const { failures } = await callers; // runs until every replica reports store: ok
    expect(failures).toEqual([]);
    expect(roundsWhileDown).toBeGreaterThan(3); // callers did call through the outage

    // Renewal goes through Redis again: the record is back and the fleet converges on it
    // within one more rotation.
    const handedOut = () => Promise.all(replicas.map((replica) => replica.tokens.getToken()));
    await until(async () => new Set(await handedOut()).size === 1, 8_000, 'one token again');
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
