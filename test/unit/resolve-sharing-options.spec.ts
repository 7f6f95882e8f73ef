import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ZumRailsConfigError } from '../../lib/errors/zumrails.errors.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { resolveSharingOptions } from '../../lib/options/resolve-options.js';
import type { ZumRailsAuthOptions } from '../../lib/options/zumrails-auth-options.interface.js';
import { ZumRailsInMemoryTokenStore } from '../../lib/store/in-memory-token.store.js';

const base: ZumRailsAuthOptions = { environment: 'sandbox', username: 'u', password: 'p' };

function configError(options: unknown): ZumRailsConfigError {
  try {
    resolveSharingOptions(options as ZumRailsAuthOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ZumRailsConfigError);
    return error as ZumRailsConfigError;
  }
  throw new Error('expected a ZumRailsConfigError');
}

describe('resolveSharingOptions', () => {
  it('shares nothing without a store', () => {
    expect(resolveSharingOptions(base)).toBeUndefined();
    expect(resolveOptions(base).sharing).toBeUndefined();
  });

  it('defaults to a 250 ms bound and no encryption with a store', () => {
    const store = new ZumRailsInMemoryTokenStore();
    expect(resolveSharingOptions({ ...base, store })).toEqual({
      store,
      timeoutMs: 250,
      encryptionKey: undefined,
    });
  });

  it('accepts a store and decodes the key', () => {
    const key = randomBytes(32);
    const resolved = resolveSharingOptions({
      ...base,
      store: new ZumRailsInMemoryTokenStore(),
      storeEncryptionKey: key.toString('base64'),
      storeTimeoutMs: 100,
    });
    expect(resolved?.store).toBeInstanceOf(ZumRailsInMemoryTokenStore);
    expect(resolved?.timeoutMs).toBe(100);
    expect(resolved?.encryptionKey?.equals(key)).toBe(true);
  });

  it('points at ZumRailsRedisTokenStore when given a bare ioredis client', () => {
    const error = configError({ ...base, store: { eval: () => undefined } });
    expect(error.field).toBe('store');
    expect(error.message).toMatch(/new ZumRailsRedisTokenStore\(redis\)/);
  });

  it('rejects a store missing a method', () => {
    const { releaseLease: _, ...partial } = Object.fromEntries(
      ['get', 'compareAndSet', 'compareAndDelete', 'acquireLease', 'releaseLease'].map((name) => [
        name,
        () => undefined,
      ]),
    );
    expect(configError({ ...base, store: partial }).field).toBe('store');
  });

  it('rejects a key that is not 32 bytes, without echoing it', () => {
    const secret = 'my-passphrase-is-not-a-key';
    const error = configError({ ...base, storeEncryptionKey: secret });
    expect(error.field).toBe('storeEncryptionKey');
    expect(error.message).toMatch(/openssl rand -base64 32/);
    expect(error.message + JSON.stringify(error)).not.toContain(secret);
  });

  it.each([0, 20_000, Number.NaN, '250'])('rejects storeTimeoutMs %p', (value) => {
    expect(configError({ ...base, storeTimeoutMs: value }).field).toBe('storeTimeoutMs');
  });

  it('does not cancel the fleet token at shutdown by default when a store is set', () => {
    expect(resolveOptions(base).revokeOnShutdown).toBe(true);
    const store = new ZumRailsInMemoryTokenStore();
    expect(resolveOptions({ ...base, store }).revokeOnShutdown).toBe(false);
    expect(resolveOptions({ ...base, store, revokeOnShutdown: true }).revokeOnShutdown).toBe(true);
  });
});
