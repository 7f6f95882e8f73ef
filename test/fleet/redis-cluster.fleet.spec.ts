import { afterEach, describe, expect, it } from '@jest/globals';
import { RedisTokenStore } from '../../lib/index.js';
import { storeKeys } from '../../lib/store/store-keys.js';
import { fingerprintOf } from '../../lib/token/token.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from '../support/log-capture.js';
import { RedisCluster } from './support/redis-cluster.js';
import { callContinuously, replicaOptions, startReplica, type Replica } from './support/replica.js';

/** Fingerprints of the tokens a replica used: its first token and every renewal. */
function usedBy(replica: Replica): Set<string> {
  const used = replica.events.flatMap((event) =>
    event.type === 'acquired' || event.type === 'renewed' ? [event.fingerprint] : [],
  );
  return new Set(used);
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
      const store = new RedisTokenStore(cluster.client());
      replicas.push(await startReplica(`r${i}`, replicaOptions(fake, { store }), logs));
    }
    const logins = () => replicas.reduce((sum, replica) => sum + replica.logins(), 0);
    // Four rotations after the first token, however long a loaded machine makes them.
    const { failures, calls } = await callContinuously(fake, replicas, 50, () => logins() >= 5);
    // Each handed-out token was valid at the fake when handed out: 0 errors, 0 expired tokens.
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(30);

    // One login per rotation for the whole fleet: every token but the newest (which the others
    // adopt at their own next renewal) was used by all three replicas. A second login in the
    // same rotation would make a token only its own replica ever used.
    const issued = fake.issuedTokens().map(fingerprintOf);
    const used = replicas.map(usedBy);
    for (const fingerprint of issued.slice(0, -1)) {
      expect(used.map((set) => set.has(fingerprint))).toEqual([true, true, true]);
    }
    expect(logins()).toBe(issued.length);
    expect(replicas.every((replica) => replica.tokens.getStatus().store === 'ok')).toBe(true);

    // The record and the lease of one account live in one slot (a hash tag), so each script
    // touches one node.
    const client = cluster.client();
    const keys = storeKeys(fake.url, fake.username);
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
