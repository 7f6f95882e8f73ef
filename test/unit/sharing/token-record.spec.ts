import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { decodeEncryptionKey } from '../../../lib/options/option-checks.js';
import { open, seal } from '../../../lib/sharing/token-record.js';
import { storeKeys } from '../../../lib/sharing/shared-token.js';
import { TokenRecordCodec, type TokenRecord } from '../../../lib/sharing/token-record.js';

const record: TokenRecord = {
  token: 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.secret-signature',
  session: { role: 'API', customerId: 'c-1', username: 'api-user' },
  lifetimeMs: 3_600_000,
  issuedAt: 1_000,
  expiresAt: 3_601_000,
};
const KEY = 'zumrails-auth:{abc}:token';

describe('TokenRecordCodec', () => {
  it('round-trips a plain JSON record', () => {
    const codec = new TokenRecordCodec(undefined);
    const raw = codec.encode(record, KEY);
    expect(JSON.parse(raw)).toMatchObject({ v: 1, token: record.token });
    expect(codec.decode(raw, KEY)).toEqual({ record });
  });

  it('encrypts with AES-256-GCM so neither token nor session is readable', () => {
    const codec = new TokenRecordCodec(randomBytes(32));
    const raw = codec.encode(record, KEY);
    expect(raw.startsWith('zr1.gcm.')).toBe(true);
    expect(raw).not.toContain(record.token);
    expect(raw).not.toContain('api-user');
    expect(codec.encode(record, KEY)).not.toBe(raw); // a fresh IV per record
    expect(codec.decode(raw, KEY)).toEqual({ record });
  });

  it('refuses a record sealed with another key or under another storage key', () => {
    const raw = new TokenRecordCodec(randomBytes(32)).encode(record, KEY);
    expect(new TokenRecordCodec(randomBytes(32)).decode(raw, KEY)).toEqual({
      problem: 'unreadable',
    });
    const sameKey = randomBytes(32);
    const moved = new TokenRecordCodec(sameKey).encode(record, KEY);
    expect(new TokenRecordCodec(sameKey).decode(moved, 'zumrails-auth:{other}:token')).toEqual({
      problem: 'unreadable',
    });
  });

  it('names a key mismatch between replicas', () => {
    const sealed = new TokenRecordCodec(randomBytes(32)).encode(record, KEY);
    const plain = new TokenRecordCodec(undefined).encode(record, KEY);
    expect(new TokenRecordCodec(undefined).decode(sealed, KEY)).toEqual({
      problem: 'encrypted-without-key',
    });
    expect(new TokenRecordCodec(randomBytes(32)).decode(plain, KEY)).toEqual({
      problem: 'plaintext-with-key',
    });
  });

  it.each([
    ['not JSON', '{oops'],
    ['another version', JSON.stringify({ ...record, v: 2 })],
    ['no token', JSON.stringify({ ...record, v: 1, token: '' })],
    ['a bad lifetime', JSON.stringify({ ...record, v: 1, lifetimeMs: -1 })],
  ])('treats %s as unreadable', (_name, raw) => {
    expect(new TokenRecordCodec(undefined).decode(raw, KEY)).toEqual({ problem: 'unreadable' });
  });

  it('detects a tampered ciphertext', () => {
    const key = randomBytes(32);
    const sealed = seal('hello', key, KEY);
    const bytes = Buffer.from(sealed.slice('zr1.gcm.'.length), 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(open(`zr1.gcm.${bytes.toString('base64url')}`, key, KEY)).toBeUndefined();
    expect(open(sealed, key, KEY)).toBe('hello');
  });
});

describe('decodeEncryptionKey', () => {
  const bytes = randomBytes(32);

  it.each([
    ['hex', bytes.toString('hex')],
    ['base64', bytes.toString('base64')],
    ['base64url without padding', bytes.toString('base64url')],
    ['a Uint8Array', new Uint8Array(bytes)],
  ])('accepts 32 bytes as %s', (_name, value) => {
    expect(decodeEncryptionKey(value)?.equals(bytes)).toBe(true);
  });

  it.each([
    ['16 bytes of hex', randomBytes(16).toString('hex')],
    ['48 bytes of base64', randomBytes(48).toString('base64')],
    ['a passphrase', 'correct horse battery staple'],
    ['a number', 42],
    ['31 raw bytes', randomBytes(31)],
  ])('refuses %s', (_name, value) => {
    expect(decodeEncryptionKey(value)).toBeUndefined();
  });
});

describe('storeKeys', () => {
  it('namespaces by baseUrl, username and password, in one Redis Cluster slot, none of them in clear', () => {
    const sandbox = 'https://api-sandbox.zumrails.com';
    const keys = storeKeys(sandbox, 'api-user', 'pa55word');
    expect(keys.token).toMatch(/^zumrails-auth:\{[0-9a-f]{32}\}:token$/);
    expect(keys.lease).toBe(keys.token.replace(/:token$/, ':lease'));
    expect(storeKeys(sandbox, 'api-user', 'pa55word')).toEqual(keys);
    for (const other of [
      storeKeys('https://api-app.zumrails.com', 'api-user', 'pa55word'),
      storeKeys(sandbox, 'other', 'pa55word'),
      storeKeys(sandbox, 'api-user', 'pa55wore'),
    ]) {
      expect(other.token).not.toBe(keys.token);
    }
    expect(keys.token).not.toContain('api-user');
    // Not a fast hash of the password: neither SHA-256 nor an HMAC keyed by it.
    const id = /\{(.*)\}/.exec(keys.token)![1]!;
    const salt = `${sandbox}\napi-user`;
    for (const fast of [
      createHash('sha256').update(`${salt}\npa55word`).digest('hex'),
      createHmac('sha256', 'pa55word').update(salt).digest('hex'),
    ]) {
      expect(fast).not.toContain(id);
    }
  });
});
