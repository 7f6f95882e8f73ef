import { randomBytes } from 'node:crypto';

/** Set by test/setup/global-setup.mjs (ZUMRAILS_TEST_REDIS_URL and REDIS_SERVER are the user's). */
const BINARY = 'ZUMRAILS_TEST_REDIS_BINARY';
const PROBLEM = 'ZUMRAILS_TEST_REDIS_PROBLEM';
const KEY_PREFIX = 'ZUMRAILS_TEST_KEY_PREFIX';

/** What the global setup found for this run (see CONTRIBUTING.md, "Running the tests"). */
export type TestRedisTarget =
  { kind: 'url'; url: string; keyPrefix: string } | { kind: 'binary'; binary: string };

/**
 * The Redis of one fleet suite: ZUMRAILS_TEST_REDIS_URL with a key prefix of its own (the run's
 * prefix plus a random suite id), or the binary to start.
 * @throws at once, naming the three ways to get a Redis, when the run has none
 */
export function testRedisTarget(): TestRedisTarget {
  const problem = process.env[PROBLEM];
  if (problem) throw new Error(problem);
  const url = process.env.ZUMRAILS_TEST_REDIS_URL?.trim();
  if (!url) return { kind: 'binary', binary: serverBinary('fleet suites') };
  const runPrefix = process.env[KEY_PREFIX] ?? 'zumrails-test:norun:';
  return { kind: 'url', url, keyPrefix: `${runPrefix}${randomBytes(4).toString('hex')}:` };
}

/**
 * The redis-server binary. The Cluster suite needs one even with ZUMRAILS_TEST_REDIS_URL.
 * @throws naming what to do when the run has none
 */
export function serverBinary(who: string): string {
  const binary = process.env[BINARY];
  if (binary) return binary;
  const problem = process.env[PROBLEM];
  if (problem) throw new Error(problem);
  if (process.env.ZUMRAILS_TEST_REDIS_URL) {
    throw new Error(
      `The ${who} need a redis-server binary even with ZUMRAILS_TEST_REDIS_URL: put ` +
        'redis-server (or valkey-server) on PATH, or set REDIS_SERVER to its path.',
    );
  }
  throw new Error('No Redis found: run the fleet suites through npm test (its global setup).');
}
