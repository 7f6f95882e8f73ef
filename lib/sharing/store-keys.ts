import { createHash, scryptSync } from 'node:crypto';

/** The two keys one set of credentials uses in a shared store. */
export interface StoreKeys {
  /** The shared token record. */
  readonly token: string;
  /** The renewal lease: who is logging in for the fleet right now. */
  readonly lease: string;
}

/** The account's id in store keys: a SHA-256 of baseUrl and username, never the password. */
export function accountStoreId(baseUrl: string, username: string): string {
  return createHash('sha256').update(`${baseUrl}\n${username}`).digest('hex').slice(0, 32);
}

/**
 * scrypt's cost (2^14 × 8 × 128 B = 16 MiB, tens of ms): paid once per process and set of
 * credentials, and again by every guess of someone who reads the store's keys.
 */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
/**
 * Derived ids by a hash of the credentials (the password itself is not kept here): one entry
 * per set of credentials this process configured, so tests booting many modules pay once.
 */
const derived = new Map<string, string>();

/**
 * Keys bound to the whole set of credentials: base URL, username and password. A replica
 * configured with a wrong password finds nothing under its keys, logs in itself and is refused,
 * instead of silently adopting the token of the replicas whose password is right.
 *
 * The key names sit in the store in clear, so the id is scrypt(password, salt = base URL and
 * username), never the password nor a fast hash of it: one guess costs what one login of this
 * library costs at startup, not the nanoseconds of an HMAC. The hash sits in a `{hash tag}` so
 * both keys land in the same Redis Cluster slot.
 */
export function storeKeys(baseUrl: string, username: string, password: string): StoreKeys {
  const id = credentialsId(baseUrl, username, password);
  const namespace = `zumrails-auth:{${id}}`;
  return { token: `${namespace}:token`, lease: `${namespace}:lease` };
}

function credentialsId(baseUrl: string, username: string, password: string): string {
  const salt = `zumrails-auth store keys v2\n${baseUrl}\n${username}`;
  const cacheKey = createHash('sha256').update(`${salt}\n${password}`).digest('hex');
  let id = derived.get(cacheKey);
  if (id === undefined) {
    id = scryptSync(password, salt, 16, SCRYPT).toString('hex');
    derived.set(cacheKey, id);
  }
  return id;
}
