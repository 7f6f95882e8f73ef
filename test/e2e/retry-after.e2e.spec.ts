import { describe, expect, it } from '@jest/globals';
import {
  ZumRailsClient,
  ZumRailsHttpError,
  ZumRailsRateLimitedError,
  ZumRailsUnavailableError,
  type ZumRailsTokenEvent,
} from '../../lib/index.js';
import type { ZumRailsFault } from '../../lib/testing/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { rejectionOf } from '../support/zumrails-assertions.js';

const fixture = useFakeZumRails(
  {},
  {
    revokeOnShutdown: false,
    loginRetry: { initialDelayMs: 50, maxDelayMs: 100 },
    apiRetry: { initialDelayMs: 20, maxDelayMs: 40 },
  },
);

function answered(status: number, retryAfter: string): ZumRailsFault {
  return { kind: 'status', status, headers: { 'retry-after': retryAfter } };
}

/** The `nextRetryInMs` of the first renewal failure: how long the module waits to log in again. */
function nextRetryInMs(events: ZumRailsTokenEvent[]): number | undefined {
  const failed = events.find((event) => event.type === 'renewal-failed');
  return failed?.type === 'renewal-failed' ? failed.nextRetryInMs : undefined;
}

describe('Retry-After on login', () => {
  it.each(['-1', 'soon', '1.5', 'Thu, 01 Jan 1970 00:00:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT'])(
    'an invalid value (%s) counts as absent: the 5-minute block, capped, is waited',
    async (value) => {
      const subject = await fixture.start({ maxRetryAfterMs: 60_000 });
      fixture.fake.failLogin(answered(429, value));
      const error = await rejectionOf(subject.tokens.refresh());
      expect(error).toBeInstanceOf(ZumRailsRateLimitedError);
      // Absent means the vendor's 5-minute block, cut to maxRetryAfterMs (+ up to 10% jitter).
      expect((error as ZumRailsRateLimitedError).retryAfterMs).toBeGreaterThanOrEqual(60_000);
      expect(nextRetryInMs(subject.events)).toBeGreaterThanOrEqual(60_000);
    },
  );

  it('an HTTP date a few seconds ahead is honoured', async () => {
    const subject = await fixture.start();
    const at = new Date(Date.now() + 30_000).toUTCString();
    fixture.fake.failLogin(answered(429, at));
    const error = (await rejectionOf(subject.tokens.refresh())) as ZumRailsRateLimitedError;
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('is honoured on a 503 as on a 429, capped by maxRetryAfterMs', async () => {
    const subject = await fixture.start({ maxRetryAfterMs: 5_000 });
    fixture.fake.failLogin(answered(503, '4'));
    const error = await rejectionOf(subject.tokens.refresh());
    expect(error).toBeInstanceOf(ZumRailsUnavailableError);
    expect(error).toMatchObject({ retryAfterMs: 4_000 });
    expect((error as Error).message).toContain('Retry-After asks for 4 s');
    expect(nextRetryInMs(subject.events)).toBeGreaterThanOrEqual(4_000);

    fixture.fake.failLogin(answered(503, '3600'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const capped = (await rejectionOf(subject.tokens.refresh())) as ZumRailsUnavailableError;
    expect(capped.retryAfterMs).toBeGreaterThanOrEqual(5_000);
    expect(capped.retryAfterMs).toBeLessThanOrEqual(5_500);
  });

  it('a caller whose wait ends before the Retry-After fails now, with the wait in the error', async () => {
    const subject = await fixture.start({ tokenWaitTimeoutMs: 3_000 });
    fixture.fake.failLogin(answered(503, '60'));
    const error = await rejectionOf(subject.tokens.getToken());
    expect(error).toBeInstanceOf(ZumRailsUnavailableError);
    expect((error as Error).message).toContain('Retry-After asks for 60 s');
    expect(fixture.fake.counters.failedLogins).toBe(1);
  });
});

describe('Retry-After on API calls', () => {
  async function client(overrides = {}): Promise<ZumRailsClient> {
    const subject = await fixture.start(overrides);
    const zumRails = subject.app.get(ZumRailsClient);
    await zumRails.get('/api/wallet');
    fixture.fake.reset();
    return zumRails;
  }

  it('a 503 waits its Retry-After before the retry', async () => {
    const zumRails = await client();
    fixture.fake.failApi(answered(503, '1'));
    await expect(zumRails.get('/api/wallet', { timeout: 5_000 })).resolves.toHaveLength(2);
    const records = fixture.fake.requests.filter((request) => request.path === '/api/wallet');
    expect(records).toHaveLength(2);
    expect(records[1]!.receivedAt - records[0]!.receivedAt).toBeGreaterThanOrEqual(1_000);
  });

  it.each(['-1', 'later'])('a 429 with Retry-After %s (invalid) is not retried', async (value) => {
    const zumRails = await client();
    fixture.fake.failApi(answered(429, value));
    await rejectionOf(zumRails.get('/api/wallet'));
    expect(fixture.fake.counters.apiCalls).toBe(1);
  });

  it('a wait beyond what the deadline leaves fails now, saying how long was asked', async () => {
    const zumRails = await client({ apiRetry: { maxRetryAfterMs: 10_000 } });
    fixture.fake.failApi(answered(503, '3'));
    const error = await rejectionOf(zumRails.get('/api/wallet', { zumRailsTimeoutMs: 1_000 }));
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect((error as Error).message).toMatch(
      /Retry-After 3\) asks for a wait of 3\d{3} ms, more than the \d+ ms left/,
    );
    expect(fixture.fake.counters.apiCalls).toBe(1);
  });
});
