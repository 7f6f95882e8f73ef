import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import { DEFAULT_OPTIONS } from './defaults.js';
import { describeValue } from './describe-value.js';
import type { TokenStore } from '../store/token-store.interface.js';
import type {
  ResolvedSharingOptions,
  ZumRailsAuthOptions,
} from './zumrails-auth-options.interface.js';

const STORE_METHODS = [
  'get',
  'compareAndSet',
  'compareAndDelete',
  'acquireLease',
  'releaseLease',
] as const;

const KEY_BYTES = 32;

/**
 * Validates `store`, `storeTimeoutMs` and `storeEncryptionKey` (all three, even without a
 * store) and applies defaults; undefined without a store (nothing is shared).
 * @throws ZumRailsConfigError naming the field; never echoes the key.
 */
export function resolveSharingOptions(
  options: ZumRailsAuthOptions,
): ResolvedSharingOptions | undefined {
  const store = checkStore(options.store);
  const timeoutMs = timeout(options.storeTimeoutMs);
  const encryptionKey = resolveEncryptionKey(options.storeEncryptionKey);
  return store && { store, timeoutMs, encryptionKey };
}

function checkStore(store: unknown): TokenStore | undefined {
  if (store === undefined) return undefined;
  const methods = (typeof store === 'object' ? store : null) as Record<string, unknown> | null;
  if (methods === null || STORE_METHODS.some((name) => typeof methods[name] !== 'function')) {
    const hint =
      typeof methods?.eval === 'function'
        ? 'wrap the ioredis client: store: new ZumRailsRedisTokenStore(redis)'
        : 'e.g. store: new ZumRailsRedisTokenStore(redis)';
    throw new ZumRailsConfigError('store', `must implement ${STORE_METHODS.join(', ')}; ${hint}`);
  }
  return store as TokenStore;
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

function resolveEncryptionKey(value: unknown): Buffer | undefined {
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

/**
 * A 32-byte AES key from 64 hex characters, base64 or base64url (`openssl rand -base64 32`),
 * or 32 raw bytes. `undefined` when it is anything else. Never echoes the key.
 */
export function decodeEncryptionKey(value: unknown): Buffer | undefined {
  let key: Buffer | undefined;
  if (value instanceof Uint8Array) key = Buffer.from(value);
  else if (typeof value === 'string') {
    const text = value.trim();
    if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
    else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) key = Buffer.from(text, 'base64');
  }
  return key?.length === KEY_BYTES ? key : undefined;
}
