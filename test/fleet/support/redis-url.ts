import { Redis, type RedisOptions } from 'ioredis';

/** ioredis options from a redis:// or rediss:// URL (host, port, user, password, db, TLS). */
export function urlOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const db = Number(parsed.pathname.slice(1) || 0);
  return {
    host,
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
  };
}

/**
 * Deletes every key under `connection.keyPrefix` (SCAN, never FLUSH), on a client of its own
 * without the prefix (SCAN's MATCH is not prefixed by ioredis). Returns how many it deleted.
 */
export async function deleteKeysWithPrefix(connection: RedisOptions): Promise<number> {
  const prefix = connection.keyPrefix;
  if (!prefix) throw new Error('refusing to delete keys without a prefix');
  const client = new Redis({ ...connection, keyPrefix: '', maxRetriesPerRequest: 1 });
  try {
    let deleted = 0;
    for await (const keys of client.scanStream({ match: `${prefix}*`, count: 500 })) {
      const batch = keys as string[];
      if (batch.length > 0) deleted += await client.del(...batch);
    }
    return deleted;
  } finally {
    client.disconnect();
  }
}
