import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { storeKeys } from '../../lib/sharing/shared-token.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { ChildReplica } from './support/child/child-replica.js';
import type { ChildConfig } from './support/child/protocol.js';
import { RedisServer } from './support/redis-server.js';
import { until } from '../support/zumrails-assertions.js';

describe('Fleet of child processes on Redis', () => {
  let redis: RedisServer;
  let fake: FakeZumRails;
  let children: ChildReplica[] = [];

  beforeEach(async () => {
    redis = await RedisServer.start();
    fake = await FakeZumRails.start({ tokenTtlSeconds: 14 });
    children = [];
  });
  afterEach(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await redis?.stop();
    await fake?.stop();
  });

  it('another replica renews before expiry when the lease holder dies mid-login; no caller fails', async () => {
    const config: ChildConfig = {
      fakeUrl: fake.url,
      username: fake.username,
      password: fake.password,
      redis: redis.connection(),
      callEveryMs: 50,
      // A store call slower than storeTimeoutMs makes a replica log in alone (by design): on
      // a loaded machine 250 ms (the default) split the fleet. The holder's hung login must
      // outlive the moment the test reads the lease and kills it (past requestTimeoutMs the
      // holder gives the lease back itself: 700 ms was too short under load). Lease TTL =
      // requestTimeoutMs + 2 × storeTimeoutMs + 250 ms = 4.25 s; renewal starts at half the
      // 14-s lifetime, so the dead holder's lease lapses (~11.3 s) while the token is still valid.
      options: { startup: 'background', requestTimeoutMs: 2_000, storeTimeoutMs: 1_000 },
    };
    children = await Promise.all([1, 2, 3].map(() => ChildReplica.start(config, 45_000)));
    expect(new Set(children.map((child) => child.firstToken)).size).toBe(1);

    // The next login, whoever makes it, hangs: that replica holds the lease and never answers.
    fake.failLogin({ kind: 'hang' });
    await until(() => fake.counters.failedLogins === 1, 12_000, 'the hung login');
    const keys = storeKeys(fake.url, fake.username, fake.password);
    const inspector = redis.client();
    const holder = await inspector.get(keys.lease);
    const current = JSON.parse((await inspector.get(keys.token))!) as { token: string };
    const victim = children.find((child) => holder?.includes(`:${child.pid}:`));
    expect(victim).toBeDefined();
    const survivors = children.filter((child) => child !== victim);
    const seenBefore = survivors.map((child) => child.events.length);
    const loginsBefore = fake.counters.logins;
    await victim!.kill();

    // A survivor takes over once the dead holder's lease lapses, while the token is still valid.
    await until(() => fake.counters.logins > loginsBefore, 6_000, 'the takeover login');
    expect(fake.isTokenValid(current.token)).toBe(true);
    // It waited for the lease to lapse: the dead holder's lease is gone when the takeover comes.
    expect((await inspector.get(keys.lease)) ?? 'no lease').not.toContain(`:${victim!.pid}:`);
    expect(fake.counters.logins).toBe(loginsBefore + 1);

    // Events arrive over IPC: wait for both survivors' renewals, not a fixed pause (loaded CI).
    const renewedSince = (child: ChildReplica, i: number) =>
      child.events.slice(seenBefore[i]).some((event) => event.type === 'renewed');
    await until(() => survivors.every(renewedSince), 8_000, 'both survivors renewed');
    const since = survivors.map((child, i) => child.events.slice(seenBefore[i]));
    const renewals = since.map((events) => events.filter((event) => event.type === 'renewed'));
    // One survivor logged in for the fleet, the other took its token from the store.
    expect(renewals.map((events) => events.map((event) => event.origin).sort())).toEqual(
      expect.arrayContaining([['login'], ['store']]),
    );
    const stats = await Promise.all(survivors.map((child) => child.stop()));
    for (const { calls, failures } of stats) {
      expect(failures).toEqual([]);
      expect(calls).toBeGreaterThan(0); // the loop ran; how many calls depends on the load
    }
    // Every survivor moved to the renewed token: one login for the fleet.
    expect(new Set(renewals.map((events) => events.at(-1)?.fingerprint)).size).toBe(1);
    expect(fake.counters.logins).toBe(loginsBefore + 1);
  }, 90_000);
});
