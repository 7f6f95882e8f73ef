import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { isCancel } from 'axios';
import {
  ZumRailsClient,
  ZumRailsRateLimitedError,
  type ZumRailsAuthOptions,
} from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { startAuthApp, type AuthApp } from '../support/auth-app.js';
import { busiestWindow } from '../support/rate-windows.js';
import { apiRequests, rejectionOf, until } from '../support/zumrails-assertions.js';
import { processHolders } from '../../lib/util/waiting.js';

/** Rate limits in one process (no store): the local sliding window log, over real HTTP. */
describe('rateLimits in one process', () => {
  let fake: FakeZumRails;
  let auth: AuthApp | undefined;

  beforeEach(async () => {
    fake = await FakeZumRails.start();
  });
  afterEach(async () => {
    await auth?.app.close();
    auth = undefined;
    await fake.stop();
  });

  async function client(overrides: Partial<ZumRailsAuthOptions>): Promise<ZumRailsClient> {
    auth = await startAuthApp(fake, overrides);
    await auth.tokens.getToken(); // the login is not what these tests measure
    return auth.app.get(ZumRailsClient);
  }

  const echo = (fake: FakeZumRails) =>
    apiRequests(fake).filter((request) => request.path.startsWith('/api/echo/'));

  it('sends every call, in order, and never more than the limit in any window', async () => {
    const zumRails = await client({
      rateLimits: { rules: [{ path: '/api/echo/*', methods: ['GET'], limit: 3, windowMs: 400 }] },
    });
    const calls = Array.from({ length: 9 }, (_, i) => zumRails.get(`/api/echo/${i}`));
    await Promise.all(calls);
    const sent = echo(fake);
    expect(sent.map((request) => request.path)).toEqual(
      Array.from({ length: 9 }, (_, i) => `/api/echo/${i}`),
    );
    expect(busiestWindow(sent, 400)).toBeLessThanOrEqual(3);
    // One line when the rule started queueing, not one per call.
    expect(auth!.logs.events('rate-limit-queueing')).toHaveLength(1);
    expect(auth!.logs.events('rate-limit-queueing')[0]!.message).toMatch(
      /Rate limit GET \/api\/echo\/\* \(3 per 400 ms\) reached/,
    );
  });

  it('lets a call that matches no rule through without waiting', async () => {
    const zumRails = await client({
      rateLimits: { rules: [{ path: '/api/echo/*', limit: 1, windowMs: 60_000 }] },
    });
    await zumRails.get('/api/echo/1');
    await Promise.all(Array.from({ length: 5 }, () => zumRails.get('/api/wallet')));
    await zumRails.post('/api/echo', {}); // the rule's final * needs one more segment
    expect(apiRequests(fake)).toHaveLength(7);
    expect(auth!.logs.events('rate-limit-queueing')).toHaveLength(0);
  });

  it('refuses at once, sending nothing, a call whose slot cannot come within maxWaitMs', async () => {
    const zumRails = await client({
      rateLimits: { rules: [{ path: '/api/echo/*', limit: 1, windowMs: 60_000 }], maxWaitMs: 500 },
    });
    await zumRails.get('/api/echo/1');
    const error = await rejectionOf(zumRails.get('/api/echo/2'));
    expect(error).toBeInstanceOf(ZumRailsRateLimitedError);
    expect(error).toMatchObject({
      code: 'rate-limited',
      source: 'api-budget',
      rule: '/api/echo/*',
    });
    expect((error as ZumRailsRateLimitedError).retryAfterMs).toBeGreaterThan(55_000);
    expect((error as Error).message).toMatch(
      /rate limit \/api\/echo\/\* used up: next slot in about \d+\.\d s \(this call may wait 500 ms\); nothing was sent/,
    );
    expect(echo(fake)).toHaveLength(1);
  });

  it("bounds the wait by the call's own deadline too", async () => {
    const zumRails = await client({
      rateLimits: { rules: [{ path: '/api/echo/*', limit: 1, windowMs: 5_000 }] },
    });
    await zumRails.get('/api/echo/1');
    const error = await rejectionOf(zumRails.get('/api/echo/2', { zumRailsTimeoutMs: 1_000 }));
    expect(error).toMatchObject({ source: 'api-budget' });
    expect((error as Error).message).toMatch(/this call may wait 9\d\d ms/);
    expect(echo(fake)).toHaveLength(1);
  });

  it('a waiting call aborted by its signal leaves the line, and the next one gets its slot', async () => {
    const zumRails = await client({
      rateLimits: { rules: [{ path: '/api/echo/*', limit: 1, windowMs: 300 }] },
    });
    await zumRails.get('/api/echo/first');
    const idle = processHolders();
    const controller = new AbortController();
    const aborted = rejectionOf(zumRails.get('/api/echo/aborted', { signal: controller.signal }));
    const next = zumRails.get('/api/echo/next');
    await until(() => auth!.logs.events('rate-limit-queueing').length === 1, 2_000, 'queueing');
    expect(processHolders()).toBe(idle + 2); // waiting callers keep the process alive
    controller.abort();
    expect(isCancel(await aborted)).toBe(true);
    await next;
    expect(processHolders()).toBe(idle);
    expect(echo(fake).map((request) => request.path)).toEqual([
      '/api/echo/first',
      '/api/echo/next',
    ]);
  });

  it('counts retries against the budget', async () => {
    const zumRails = await client({
      rateLimits: { rules: [{ path: '/api/echo/*', limit: 2, windowMs: 400 }] },
      apiRetry: { initialDelayMs: 1, maxDelayMs: 1 },
    });
    fake.failApi({ kind: 'status', status: 503 });
    await zumRails.get('/api/echo/retried'); // two attempts: the whole budget
    await zumRails.get('/api/echo/after');
    const sent = echo(fake);
    expect(sent).toHaveLength(3);
    expect(sent[2]!.receivedAt - sent[0]!.receivedAt).toBeGreaterThanOrEqual(400);
  });

  it('a 429 pauses the rule for its Retry-After', async () => {
    const zumRails = await client({
      rateLimits: { rules: [{ path: '/api/echo/*', limit: 100, windowMs: 60_000 }] },
      apiRetry: false,
    });
    fake.failApi({ kind: 'rate-limited', retryAfterSeconds: 1 });
    await expect(zumRails.get('/api/echo/limited')).rejects.toMatchObject({ status: 429 });
    await zumRails.get('/api/echo/after');
    const sent = echo(fake);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.receivedAt - sent[0]!.receivedAt).toBeGreaterThanOrEqual(1_000);
    expect(auth!.logs.events('rate-limit-paused')).toHaveLength(1);
  });

  it('a burst of 429s logs one pause line, not one per call', async () => {
    const zumRails = await client({
      rateLimits: { rules: [{ path: '/api/echo/*', limit: 100, windowMs: 60_000 }] },
      apiRetry: false,
    });
    fake.failApi({ kind: 'rate-limited', retryAfterSeconds: 1 }, 3);
    const limited = [1, 2, 3].map((i) => rejectionOf(zumRails.get(`/api/echo/${i}`)));
    for (const error of await Promise.all(limited)) expect(error).toMatchObject({ status: 429 });
    expect(auth!.logs.events('rate-limit-paused')).toHaveLength(1);
    expect(auth!.logs.events('rate-limit-paused')[0]!.message).toMatch(
      /Zum Rails answered 429: rate limit \/api\/echo\/\* paused for 1 s/,
    );
  });

  it('closing the app refuses waiting calls instead of holding the process', async () => {
    const zumRails = await client({
      rateLimits: { rules: [{ path: '/api/echo/*', limit: 1, windowMs: 60_000 }] },
    });
    await zumRails.get('/api/echo/1');
    const waiting = rejectionOf(zumRails.get('/api/echo/2', { zumRailsTimeoutMs: 120_000 }));
    await until(() => auth!.logs.events('rate-limit-queueing').length === 1, 2_000, 'queueing');
    await auth!.app.close();
    auth = undefined;
    expect(await waiting).toMatchObject({ code: 'shut-down' });
  });
});
