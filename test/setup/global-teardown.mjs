// Jest globalTeardown: on ZUMRAILS_TEST_REDIS_URL every suite deletes the keys it wrote, so a
// key of this run still there is a bug in a suite: the run fails (after deleting it).
import { Redis } from 'ioredis';
import { hidePassword } from './find-redis.mjs';

export default async function globalTeardown() {
  const url = process.env.ZUMRAILS_TEST_REDIS_URL?.trim();
  const prefix = process.env.ZUMRAILS_TEST_KEY_PREFIX;
  if (!url || !prefix) return;
  const client = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  let left = 0;
  try {
    await client.connect();
    for await (const keys of client.scanStream({ match: `${prefix}*`, count: 500 })) {
      if (keys.length > 0) left += await client.del(...keys);
    }
  } finally {
    client.disconnect();
  }
  if (left > 0)
    throw new Error(`${left} key(s) under ${prefix} left behind on ${hidePassword(url)}`);
}
