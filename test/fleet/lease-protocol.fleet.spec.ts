import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ZumRailsInMemoryTokenStore, ZumRailsShutDownError } from '../../lib/index.js';
import { storeKeys, type StoreKeys } from '../../lib/sharing/shared-token.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from '../support/log-capture.js';
import { rejectionOf, until } from '../support/zumrails-assertions.js';
import { FlakyStore } from './support/flaky-store.js';
import { replicaOptions, startReplica, type Replica } from './support/replica.js';

/**
 * The lease protocol of SharedTokenAcquirer step by step, in process: replicas share an
 * ZumRailsInMemoryTokenStore, each through a FlakyStore that records, hides, rewrites or fails calls.
 */
describe('Fleet lease protocol (in process)', () => {
  let fake: FakeZumRails;
  let shared: ZumRailsInMemoryTokenStore;
  let keys: StoreKeys;
  let replicas: Replica[] = [];
  const logs = new LogCapture();

  beforeEach(async () => {
    fake = await FakeZumRails.start();
    shared = new ZumRailsInMemoryTokenStore();
    keys = storeKeys(fake.url, fake.username, fake.password);
    replicas = [];
  });
  afterEach(async () => {
    for (const replica of replicas) await replica.app.close();
    await fake?.stop();
  });

  async function boot(
    store: FlakyStore | ZumRailsInMemoryTokenStore,
    overrides = {},
  ): Promise<Replica> {
    const options = replicaOptions(fake, { store, startup: 'lazy', ...overrides });
    const replica = await startReplica(`r${replicas.length}`, options, logs);
    replicas.push(replica);
    return replica;
  }

  /** A token in the shared store, put there by a first replica. */
  async function storedToken(): Promise<string> {
    return (await boot(shared)).tokens.getToken();
  }

  /** A lease held by a replica that never writes and never lets it lapse. */
  async function deadHolder(): Promise<void> {
    expect(await shared.acquireLease(keys.lease, 'dead-host:1:00000000', 60_000)).toBe(true);
  }

  it('reads again after taking the lease and adopts what another replica wrote meanwhile', async () => {
    const token = await storedToken();
    const store = new FlakyStore(shared);
    store.onGet = (stored, call) => (call === 0 ? undefined : stored); // wrote just after our look
    const late = await boot(store);
    expect(await late.tokens.getToken()).toBe(token);
    expect(store.log).toEqual(['get', 'acquireLease', 'get', 'releaseLease']);
    expect(late.adoptions()).toBe(1);
    expect(fake.counters.logins).toBe(1);
  });

  it('logs in itself, and publishes, after one lease TTL without progress from the holder', async () => {
    await deadHolder();
    const store = new FlakyStore(shared);
    // Lease TTL = requestTimeoutMs + 2 × storeTimeoutMs + 250 ms = 950 ms: about 11 polls.
    const replica = await boot(store, { requestTimeoutMs: 500, storeTimeoutMs: 100 });
    const token = await replica.tokens.getToken();
    expect(replica.logins()).toBe(1);
    expect(store.count('acquireLease')).toBeGreaterThanOrEqual(10); // it did wait for the holder
    expect((await shared.get(keys.token))?.value).toContain(token);
    // The next replica takes the published token, even with the dead lease still there.
    expect(await (await boot(new FlakyStore(shared))).tokens.getToken()).toBe(token);
    expect(fake.counters.logins).toBe(1);
  });

  it('never adopts a stored token inside its safety margin before expiry, even cold', async () => {
    const stored = await storedToken();
    const store = new FlakyStore(shared);
    // 10 s left of a 1-hour token: inside its 30-s safety margin.
    store.onGet = (value) => value && { ...value, ttlMs: 10_000 };
    const replica = await boot(store);
    expect(await replica.tokens.getToken()).not.toBe(stored);
    expect(replica.logins()).toBe(1);
  });

  it('when renewing, refuses a stored token that is itself due for renewal; a cold start takes it', async () => {
    const stored = await storedToken();
    // 60 s left of a 1-hour token: usable (margin 30 s) but due (renewal lead 5 min).
    const dueStore = () => {
      const store = new FlakyStore(shared);
      store.onGet = (value) => value && { ...value, ttlMs: 60_000 };
      return store;
    };
    expect(await (await boot(dueStore())).tokens.getToken()).toBe(stored); // cold: adopts

    const store = dueStore();
    store.mode = 'fail'; // its first token is its own
    const renewing = await boot(store);
    const own = await renewing.tokens.getToken();
    store.mode = 'ok';
    const renewed = await renewing.tokens.refresh();
    expect([stored, own]).not.toContain(renewed);
    expect(renewing.logins()).toBe(2); // its own first token, then a login instead of adopting
  });

  it('never reads the store per request: 200 getToken() calls after the first make no store call', async () => {
    const store = new FlakyStore(shared);
    const replica = await boot(store);
    const token = await replica.tokens.getToken();
    const calls = store.calls;
    for (let i = 0; i < 200; i++) expect(await replica.tokens.getToken()).toBe(token);
    expect(store.calls).toBe(calls);
  });

  describe('Redis failing mid-protocol', () => {
    it('logs in alone, without publishing, when taking the lease fails', async () => {
      const store = new FlakyStore(shared);
      store.failing.add('acquireLease');
      const replica = await boot(store);
      await replica.tokens.getToken();
      expect(store.log).toEqual(['get', 'acquireLease']);
      expect(replica.logins()).toBe(1);
      expect(replica.tokens.getStatus().store).toBe('degraded');
      expect(await shared.get(keys.token)).toBeUndefined();
    });

    it('stops polling and logs in alone when a read fails while another replica holds the lease', async () => {
      await deadHolder();
      const store = new FlakyStore(shared);
      store.onGet = (value, call) => {
        if (call >= 1) store.failing.add('get'); // fails from the first poll on
        return value;
      };
      const replica = await boot(store);
      await replica.tokens.getToken();
      expect(store.log).toEqual(['get', 'acquireLease', 'get', 'acquireLease', 'get']);
      expect(replica.logins()).toBe(1);
      expect(replica.tokens.getStatus().store).toBe('degraded');
    });
  });

  it('shutdown while polling ends the wait with a shut-down error and logs in nobody', async () => {
    await deadHolder();
    const store = new FlakyStore(shared);
    const replica = await boot(store, { requestTimeoutMs: 5_000 }); // a lease TTL of 10.75 s
    const waiting = replica.tokens.getToken();
    await until(() => store.count('acquireLease') >= 2, 3_000, 'polling');
    replicas.pop();
    await replica.app.close();
    expect(await rejectionOf(waiting)).toBeInstanceOf(ZumRailsShutDownError);
    const polls = store.count('acquireLease');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.count('acquireLease')).toBe(polls); // the loop ended, no timer left polling
    expect(fake.counters.logins).toBe(0);
  });
});
