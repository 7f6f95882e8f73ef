import { ZumRailsConfigError } from '../errors/zumrails-auth.errors.js';
import { decodeEncryptionKey } from '../sharing/record-cipher.js';
import { DEFAULT_OPTIONS } from './defaults.js';
import { describeValue, withoutPassword } from './describe-value.js';
import type {
  ResolvedStoreOptions,
  ZumRailsAuthOptions,
} from './zumrails-auth-options.interface.js';

const STORE_METHODS = [
  'get',
  'compareAndSet',
  'compareAndDelete',
  'acquireLease',
  'releaseLease',
] as const;

/**
 * Validates `store`, `storeTimeoutMs` and `storeEncryptionKey` and applies defaults, once.
 * Throws `ZumRailsConfigError`; never echoes the key.
 */
export function resolveStoreOptions(
  options: ZumRailsAuthOptions | undefined,
): ResolvedStoreOptions {
  try {
    return {
      shared: checkStore(options?.store),
      timeoutMs: timeout(options?.storeTimeoutMs),
      encryptionKey: encryptionKey(options?.storeEncryptionKey),
    };
  } catch (error) {
    throw withoutPassword(error, options?.password);
  }
}

function checkStore(store: unknown): boolean {
  if (store === undefined) return false;
  const methods = (typeof store === 'object' ? store : null) as Record<string, unknown> | null;
  if (methods === null || STORE_METHODS.some((name) => typeof methods[name] !== 'function')) {
    const hint =
      typeof methods?.eval === 'function'
        ? 'wrap the ioredis client: store: new RedisTokenStore(redis)'
        : 'e.g. store: new RedisTokenStore(redis)';
    throw new ZumRailsConfigError('store', `must implement ${STORE_METHODS.join(', ')}; ${hint}`);
  }
  return true;
}

function timeout(value: unknown): number {
  if (value === undefined) return DEFAULT_OPTIONS.storeTimeoutMs;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 10_000) {
    throw new ZumRailsConfigError(
      'storeTimeoutMs',
      `must be a number of milliseconds between 1 and 10000, got ${describeValue(value, undefined)}`,
    );
  }
  return value;
}

function encryptionKey(value: unknown): Buffer | undefined {
  if (value === undefined) return undefined;
  const key = decodeEncryptionKey(value);
  if (!key) {
    throw new ZumRailsConfigError(
      'storeEncryptionKey',
      'must be 32 random bytes given as 64 hex characters, base64 or a Uint8Array (generate one with `openssl rand -base64 32`)',
    );
  }
  return key;
}
