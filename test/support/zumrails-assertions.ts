import type { FakeZumRails, RecordedRequest } from '../../lib/testing/index.js';

/** The bearer token a recorded request carried, if any. */
export function bearerOf(request: RecordedRequest | undefined): string | undefined {
  const header = request?.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** Recorded requests to protected API paths (not login or canceltoken). */
export function apiRequests(fake: FakeZumRails): RecordedRequest[] {
  return fake.requests.filter(
    (request) => !request.path.toLowerCase().startsWith('/api/authorize'),
  );
}

/** Every secret the fake knows: each issued token and the password. */
export function secretsOf(fake: FakeZumRails): string[] {
  return [...fake.issuedTokens(), fake.password];
}

/**
 * The one wait of the suite: polls `condition` (sync or async) every 10 ms and throws, naming
 * `what`, once `timeoutMs` passed. Waits for an event instead of sleeping a wall-clock margin.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 3_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The rejection of `promise`; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a value');
}
