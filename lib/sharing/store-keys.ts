import { createHash } from 'node:crypto';

/** The two keys one set of credentials uses in a shared store. */
export interface StoreKeys {
  /** The shared token record. */
  readonly token: string;
  /** The renewal lease: who is logging in for the fleet right now. */
  readonly lease: string;
}

/**
 * Keys namespaced by a SHA-256 of baseUrl and username (never the password), so sandbox and
 * production, or two API users, never share a token. The hash sits in a `{hash tag}` so both
 * keys land in the same Redis Cluster slot.
 */
export function storeKeys(baseUrl: string, username: string): StoreKeys {
  const id = createHash('sha256').update(`${baseUrl}\n${username}`).digest('hex').slice(0, 32);
  const namespace = `zumrails-auth:{${id}}`;
  return { token: `${namespace}:token`, lease: `${namespace}:lease` };
}
