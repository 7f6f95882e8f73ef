import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import {
  ZumRailsInMemoryTokenStore,
  ZumRailsTokenService,
  ZumRailsCredentialsRejectedError,
  ZumRailsAuthModule,
  type ZumRailsAuthOptions,
} from '../../lib/index.js';
import { storeKeys } from '../../lib/sharing/shared-token.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from '../support/log-capture.js';
import { rejectionOf, within } from '../support/zumrails-assertions.js';
import { FlakyStore } from './support/flaky-store.js';
import { replicaOptions, startReplica, type Replica } from './support/replica.js';

/** Fleet logic with replicas in one process sharing an ZumRailsInMemoryTokenStore (no Redis needed). */
describe('Fleet through a shared store (in process)', () => {
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

  async function boot(name: string, overrides: Partial<ZumRailsAuthOptions>): Promise<Replica> {
    const replica = await startReplica(name, replicaOptions(fake, overrides), logs);
    replicas.push(replica);
    return replica;
  }

  async function bootFleet(size: number, overrides: Partial<ZumRailsAuthOptions>) {
    for (let i = 0; i < size; i++) await boot(`r${i}`, overrides);
    return Promise.all(replicas.map((replica) => replica.tokens.getToken()));
  }

  it('5 replicas booting together log in once', async () => {
    const tokens = await bootFleet(5, { store: new ZumRailsInMemoryTokenStore() });
    expect(new Set(tokens).size).toBe(1);
    expect(fake.counters.logins).toBe(1);
    expect(replicas.map((replica) => replica.logins() + replica.adoptions())).toEqual([
      1, 1, 1, 1, 1,
    ]);
    expect(replicas.map((replica) => replica.tokens.getStatus().store)).toEqual(
      replicas.map(() => 'ok'),
    );
  });

  it('a replica started mid-life takes the stored token without logging in', async () => {
    const store = new ZumRailsInMemoryTokenStore();
    const [token] = await bootFleet(2, { store });
    const late = await boot('late', { store, startup: 'lazy' });
    expect(await late.tokens.getToken()).toBe(token);
    expect(late.logins()).toBe(0);
    expect(late.logs.text()).toMatch(/Token acquired \(fp [0-9a-f]{8}\) from the shared store/);
    expect(late.tokens.getSession()?.customerId).toEqual(expect.any(String));
    expect(fake.counters.logins).toBe(1);
  });

  it('a 401 on one replica renews once for the fleet, and a late 401 never deletes the new token', async () => {
    const store = new ZumRailsInMemoryTokenStore();
    const [old] = await bootFleet(3, { store });
    fake.revokeToken(old!);
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    expect(a.tokens.invalidate(old!)).toBe(true);
    const renewed = await a.tokens.getToken();
    expect(b.tokens.invalidate(old!)).toBe(true);
    expect(c.tokens.invalidate(old!)).toBe(true);
    expect(await b.tokens.getToken()).toBe(renewed);
    expect(await c.tokens.getToken()).toBe(renewed);
    expect(fake.counters.logins).toBe(2);
    expect(fake.isTokenValid(renewed)).toBe(true);
    const late = await boot('late', { store, startup: 'lazy' });
    expect(await late.tokens.getToken()).toBe(renewed);
    expect(fake.counters.logins).toBe(2);
  });

  it('a replica configured with a wrong password never adopts the fleet token', async () => {
    const store = new ZumRailsInMemoryTokenStore();
    const [token] = await bootFleet(1, { store });
    const wrong = await boot('wrong', { store, startup: 'lazy', password: 'not-the-password' });
    const error = await rejectionOf(wrong.tokens.getToken());
    expect(error).toBeInstanceOf(ZumRailsCredentialsRejectedError);
    expect(wrong.adoptions()).toBe(0);
    // The fleet's token is untouched, under a key that holds no credential in clear.
    const { token: key } = storeKeys(fake.url, fake.username, fake.password);
    expect((await store.get(key))?.value).toContain(token);
    for (const secret of [fake.password, fake.username]) expect(key).not.toContain(secret);
  });

  it('warns once at startup when the store keeps the bearer in clear (no storeEncryptionKey)', async () => {
    await boot('clear', { store: new ZumRailsInMemoryTokenStore() });
    const warnings = logs.events('store-unencrypted');
    expect(warnings.map(({ level }) => level)).toEqual(['warn']);
    expect(warnings[0]!.message).toMatch(/without storeEncryptionKey/);
    await boot('sealed', {
      store: new ZumRailsInMemoryTokenStore(),
      storeEncryptionKey: randomBytes(32).toString('hex'),
    });
    await boot('alone', {});
    expect(logs.events('store-unencrypted')).toHaveLength(1);
  });

  it('cancelToken removes the token from the store, so nobody adopts a cancelled token', async () => {
    const store = new ZumRailsInMemoryTokenStore();
    const [token] = await bootFleet(1, { store });
    await replicas[0]!.tokens.cancelToken();
    expect(
      await store.get(storeKeys(fake.url, fake.username, fake.password).token),
    ).toBeUndefined();
    const late = await boot('late', { store, startup: 'lazy' });
    const next = await late.tokens.getToken();
    expect(next).not.toBe(token);
    expect(late.logins()).toBe(1);
  });

  it('refresh() on one replica renews for the fleet; the others take the new token at their next renewal', async () => {
    const store = new ZumRailsInMemoryTokenStore();
    const [first] = await bootFleet(2, { store });
    const [a, b] = replicas as [Replica, Replica];
    const second = await a.tokens.refresh();
    expect(second).not.toBe(first);
    expect(await b.tokens.refresh()).toBe(second);
    expect(fake.counters.logins).toBe(2);
  });

  it('does not cancel the shared token when one replica shuts down', async () => {
    const store = new ZumRailsInMemoryTokenStore();
    const [token] = await bootFleet(2, { store });
    await replicas.shift()!.app.close();
    expect(fake.counters.cancels).toBe(0);
    expect(fake.isTokenValid(token!)).toBe(true);
  });

  it('takes the store from a forRootAsync factory with an injected client', async () => {
    const CLIENT = Symbol('CLIENT');
    const shared = new ZumRailsInMemoryTokenStore();
    @Module({ providers: [{ provide: CLIENT, useValue: shared }], exports: [CLIENT] })
    class ClientModule {}
    const [token] = await bootFleet(1, { store: shared });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ZumRailsAuthModule.forRootAsync({
          imports: [ClientModule],
          inject: [CLIENT],
          useFactory: (store: ZumRailsInMemoryTokenStore) =>
            replicaOptions(fake, { store, startup: 'lazy' }),
        }),
      ],
    })
      .setLogger(logs)
      .compile();
    const app = await moduleRef.init();
    try {
      expect(await app.get(ZumRailsTokenService).getToken()).toBe(token);
      expect(app.get(ZumRailsTokenService).getStatus().store).toBe('ok');
      expect(fake.counters.logins).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('reports store: memory without a store option', async () => {
    await bootFleet(1, {});
    expect(replicas[0]!.tokens.getStatus().store).toBe('memory');
  });

  describe('when the store hangs or fails', () => {
    it.each(['hang', 'fail'] as const)(
      'falls back to per-process tokens within the bound on %s, warns once, and recovers',
      async (mode) => {
        const store = new FlakyStore();
        store.mode = mode;
        // Unbounded, a hung store would hold the boot forever.
        const tokens = await within(
          bootFleet(2, { store, storeTimeoutMs: 100 }),
          10_000,
          'the boot with a store that hangs',
        );
        expect(new Set(tokens).size).toBe(2); // each replica on its own
        const [a, b] = replicas as [Replica, Replica];
        for (const replica of [a, b]) {
          expect(replica.tokens.getStatus()).toMatchObject({ store: 'degraded', state: 'valid' });
        }
        // One warning per replica, however many store calls failed.
        const warnings = logs.events('store-unavailable');
        expect(warnings).toHaveLength(2);
        expect(warnings.filter((line) => !/Token store unavailable/.test(line.message))).toEqual(
          [],
        );
        store.mode = 'ok';
        const shared = await a.tokens.refresh();
        expect(await b.tokens.refresh()).toBe(shared);
        expect(a.tokens.getStatus().store).toBe('ok');
        expect(logs.text()).toMatch(/Token store answers again/);
        expect(fake.counters.logins).toBe(3);
      },
    );
  });

  describe('with storeEncryptionKey', () => {
    it('stores only ciphertext; replicas with the key share, a replica without it logs in alone and warns', async () => {
      const store = new ZumRailsInMemoryTokenStore();
      const storeEncryptionKey = randomBytes(32).toString('base64');
      const [token] = await bootFleet(2, { store, storeEncryptionKey });
      expect(fake.counters.logins).toBe(1);
      const raw = (await store.get(storeKeys(fake.url, fake.username, fake.password).token))!.value;
      expect(raw).toMatch(/^zr1\.gcm\./);
      expect(raw).not.toContain(token);
      expect(raw).not.toContain(fake.username);
      const keyless = await boot('keyless', { store, startup: 'lazy' });
      expect(await keyless.tokens.getToken()).not.toBe(token);
      expect(logs.text()).toMatch(/encrypted but storeEncryptionKey is not set/);
      const wrongKey = await boot('wrong-key', {
        store,
        startup: 'lazy',
        storeEncryptionKey: randomBytes(32).toString('hex'),
      });
      await wrongKey.tokens.getToken();
      expect(wrongKey.logins()).toBe(1);
    });
  });
});
