import { afterEach, describe, expect, it } from '@jest/globals';
import { ZumRailsRedisTokenStore } from '../../lib/index.js';
import { storeKeys } from '../../lib/sharing/shared-token.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from '../support/log-capture.js';
import { RedisCluster } from './support/redis-cluster.js';
import { callContinuously, replicaOptions, startReplica, type Replica } from './support/replica.js';

/** The token each login replaced (`undefined`: a first token), over every replica. */
function replacedByLogins(replicas: readonly Replica[]): (string | undefined)[] {
  return replicas.flatMap((replica) =>
    replica.events.flatMap((event) => {
      if (event.type === 'acquired' && event.origin === 'login') return [undefined];
      if (event.type === 'renewed' && event.origin === 'login') return [event.previousFingerprint];
      return [];
    }),
  );
}

describe('Fleet on a 3-master Redis Cluster (ioredis Cluster)', () => {
  let cluster: RedisCluster | undefined;
  let fake: FakeZumRails | undefined;
  const replicas: Replica[] = [];
  const logs = new LogCapture();

  afterEach(async () => {
    for (const replica of replicas.splice(0)) await replica.app.close();
    await cluster?.stop();
    await fake?.stop();
  });

  it('3 replicas share one token: one login per rotation with 3-s tokens, no caller error, no expired token', async () => {
    cluster = await RedisCluster.start();
    fake = await FakeZumRails.start({ tokenTtlSeconds: 3 });
    for (let i = 0; i < 3; i++) {
      const store = new ZumRailsRedisTokenStore(cluster.client());
      replicas.push(await startReplica(`r${i}`, replicaOptions(fake, { store }), logs));
    }
    const logins = () => replicas.reduce((sum, replica) => sum + replica.logins(), 0);
    // Four rotations after the first token, however long a loaded machine makes them.
    const { failures, calls } = await callContinuously(fake, replicas, 50, () => logins() >= 5);
    // Each handed-out token was valid at the fake when handed out: 0 errors, 0 expired tokens.
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(30);

    // One login per rotation for the whole fleet: no token was replaced by two logins (a
    // replica renewing on its own would replace the same token as the one renewing for all).
    const replaced = replacedByLogins(replicas);
    expect(replaced).toHaveLength(fake.issuedTokens().length);
    expect(new Set(replaced).size).toBe(replaced.length);
    // And the others did take those tokens from the store instead of logging in.
    expect(replicas.reduce((sum, replica) => sum + replica.adoptions(), 0)).toBeGreaterThanOrEqual(
      replaced.length,
    );
    expect(replicas.map((replica) => replica.tokens.getStatus().store)).toEqual(
      replicas.map(() => 'ok'),
    );

    // The record and the lease of one account live in one slot (a hash tag), so each script
    // touches one node.
    const client = cluster.client();
    const keys = storeKeys(fake.url, fake.username, fake.password);
    const [tokenSlot, leaseSlot] = await Promise.all(
      [keys.token, keys.lease].map((key) => client.cluster('KEYSLOT', key)),
    );
    expect(tokenSlot).toBe(leaseSlot);
    expect(await client.get(keys.token)).toContain(fake.issuedTokens().at(-1));
    const masters = String(await client.cluster('NODES'))
      .split('\n')
      .filter((line) => line.includes('master'));
    expect(masters).toHaveLength(3);
  }, 40_000);
});
