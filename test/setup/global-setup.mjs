// Jest globalSetup: finds the Redis for the fleet suites once per run (find-redis.mjs), says in
// one line which one, and hands the choice to every worker through environment variables
// (read by test/fleet/support/test-redis.ts).
import { randomBytes } from 'node:crypto';
import { describeChoice, findRedis } from './find-redis.mjs';

/** The variables this setup sets (ZUMRAILS_TEST_REDIS_URL and REDIS_SERVER are the user's). */
export const REDIS_ENV = {
  binary: 'ZUMRAILS_TEST_REDIS_BINARY',
  problem: 'ZUMRAILS_TEST_REDIS_PROBLEM',
  keyPrefix: 'ZUMRAILS_TEST_KEY_PREFIX',
};

export default async function globalSetup() {
  for (const name of Object.values(REDIS_ENV)) delete process.env[name];
  const choice = await findRedis(process.env, console.log);
  if (choice.kind === 'none') process.env[REDIS_ENV.problem] = choice.problem;
  else if (choice.binary) process.env[REDIS_ENV.binary] = choice.binary;
  // On a shared Redis every key of this run starts with it; each suite adds its own id.
  process.env[REDIS_ENV.keyPrefix] = `zumrails-test:${randomBytes(4).toString('hex')}:`;
  console.log(describeChoice(choice));
}
