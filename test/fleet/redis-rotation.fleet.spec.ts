import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { firstValueFrom, merge, filter } from 'rxjs';
import { ZumRailsRedisTokenStore, type ZumRailsAuthOptions } from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from '../support/log-capture.js';
import { until } from '../support/zumrails-assertions.js';
import { RedisServer } from './support/redis-server.js';
import { callContinuously, replicaOptions, startReplica, type Replica } from './support/replica.js';

/**
 * 3-s tokens count as 2 s (the 1-s iat rounding is taken off) and are renewed 1 s before
 * expiry minus up to 0.2 s of jitter: every 0.8–1 s.
 */
const FASTEST_ROTATION_MS = 800;
/** A late timer (a loaded machine) only slows rotation down, but a token never outlives 3 s. */
const TOKEN_LIFETIME_MS = 3_000;

describe('Fleet on Redis: 5 replicas in separate Nest apps', () => {
  let redis: RedisServer;
  let fake: FakeZumRails;
  const replicas: Replica[] = [];
  const logs = new LogCapture();

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    for (const replica of replicas.splice(0)) await replica.app.close();
    await fake?.stop();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  function options(overrides: Partial<ZumRailsAuthOptions> = {}): ZumRailsAuthOptions {
    return replicaOptions(fake!, {
      store: new ZumRailsRedisTokenStore(redis.client()),
      ...overrides,
    });
  }

  it('log in about once per rotation with 3-s tokens over 15 s; a replica started mid-life logs in 0 times', async () => {
    fake = await FakeZumRails.start({ tokenTtlSeconds: 3 });
    for (let i = 0; i < 5; i++) replicas.push(await startReplica(`r${i}`, options(), logs));
    const started = Date.now();
    const firstHalf = await callContinuously(
      fake,
      replicas,
      50,
      () => Date.now() - started > 7_000,
    );

    // Right after a rotation, a cold replica joins: it must reuse the fleet's token.
    await firstValueFrom(
      merge(...replicas.map((replica) => replica.tokens.events$)).pipe(
        filter((event) => event.type === 'renewed'),
      ),
    );
    // (Not the fake's total: on a loaded machine the fleet's next rotation may land meanwhile.)
    const late = await startReplica('late', options({ startup: 'lazy' }), logs);
    replicas.push(late);
    const lateToken = await late.tokens.getToken();
    expect(late.logins()).toBe(0);
    expect(fake.isTokenValid(lateToken)).toBe(true);

    const secondHalf = await callContinuously(
      fake,
      replicas,
      50,
      () => Date.now() - started > 15_000,
    );
    const elapsed = Date.now() - started;

    expect([...firstHalf.failures, ...secondHalf.failures]).toEqual([]);
    expect(firstHalf.calls + secondHalf.calls).toBeGreaterThan(800);
    // A renewal may be on the wire as the load stops: wait for its event, then count.
    const reported = () => replicas.reduce((sum, replica) => sum + replica.logins(), 0);
    await until(() => reported() === fake.counters.logins, 3_000, 'every login reported');
    const logins = fake.counters.logins;
    // One login per rotation (+1 for the first token, +1 of slack for a lease race); 5
    // independent replicas would make about 5 times as many.
    expect(logins).toBeLessThanOrEqual(Math.floor(elapsed / FASTEST_ROTATION_MS) + 2);
    expect(logins).toBeGreaterThanOrEqual(Math.floor(elapsed / TOKEN_LIFETIME_MS));
    const perReplica = replicas.map((replica) => replica.logins());
    expect(perReplica.reduce((sum, count) => sum + count, 0)).toBe(logins);
    expect(replicas.reduce((sum, replica) => sum + replica.adoptions(), 0)).toBeGreaterThan(
      3 * logins,
    );
    expect(replicas.map((replica) => replica.tokens.getStatus().store)).toEqual(
      replicas.map(() => 'ok'),
    );
  }, 30_000);
});
