import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ZumRailsRedisTokenStore } from '../../lib/index.js';
import { TokenRecordCodec } from '../../lib/sharing/token-record.js';
import { decodeEncryptionKey } from '../../lib/options/option-checks.js';
import { storeKeys } from '../../lib/sharing/shared-token.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from '../support/log-capture.js';
import { RedisServer } from './support/redis-server.js';
import { replicaOptions, startReplica, type Replica } from './support/replica.js';

describe('Fleet on Redis: the token record at rest', () => {
  let redis: RedisServer;
  let fake: FakeZumRails;
  let replicas: Replica[] = [];
  const logs = new LogCapture();

  beforeEach(async () => {
    redis = await RedisServer.start();
    fake = await FakeZumRails.start();
    replicas = [];
  });
  afterEach(async () => {
    for (const replica of replicas) await replica.app.close();
    await redis?.stop();
    await fake?.stop();
  });

  async function boot(storeEncryptionKey?: string): Promise<Replica> {
    const store = new ZumRailsRedisTokenStore(redis.client());
    const options = replicaOptions(fake, { store, storeEncryptionKey, startup: 'lazy' });
    const replica = await startReplica(`r${replicas.length}`, options, logs);
    replicas.push(replica);
    return replica;
  }

  it('is AES-256-GCM ciphertext that only replicas with the key can read', async () => {
    const key = randomBytes(32).toString('base64');
    const token = await (await boot(key)).tokens.getToken();
    expect(await (await boot(key)).tokens.getToken()).toBe(token);
    expect(fake.counters.logins).toBe(1);

    const tokenKey = storeKeys(fake.url, fake.username, fake.password).token;
    const raw = (await redis.client().get(tokenKey))!;
    expect(raw).toMatch(/^zr1\.gcm\.[A-Za-z0-9_-]+$/);
    for (const secret of [token, fake.username, fake.password, 'Fake Company'])
      expect(raw).not.toContain(secret);
    // Readable with the key (and only under its own storage key).
    const codec = new TokenRecordCodec(decodeEncryptionKey(key));
    expect(codec.decode(raw, tokenKey)).toMatchObject({ record: { token } });
    expect(new TokenRecordCodec(randomBytes(32)).decode(raw, tokenKey)).toEqual({
      problem: 'unreadable',
    });

    // A replica without the key cannot use it: it logs in on its own and says why.
    const keyless = await boot();
    expect(await keyless.tokens.getToken()).not.toBe(token);
    expect(keyless.logins()).toBe(1);
    expect(logs.text()).toMatch(/encrypted but storeEncryptionKey is not set/);
  });

  it('is plain JSON with the token and a TTL without a key', async () => {
    const token = await (await boot()).tokens.getToken();
    const client = redis.client();
    const tokenKey = storeKeys(fake.url, fake.username, fake.password).token;
    expect(JSON.parse((await client.get(tokenKey))!)).toMatchObject({ v: 1, token });
    const ttl = await client.pttl(tokenKey);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    expect(await client.exists(storeKeys(fake.url, fake.username, fake.password).lease)).toBe(0);
  });
});
