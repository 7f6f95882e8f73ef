import { describe, expect, it } from '@jest/globals';
import {
  ZumRailsBadResponseError,
  ZumRailsCredentialsRejectedError,
  ZumRailsRateLimitedError,
  ZumRailsTokenWaitTimeoutError,
  ZumRailsUnavailableError,
} from '../../lib/index.js';
import { FakeZumRails, type ZumRailsFault } from '../../lib/testing/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { useManualDate } from '../support/manual-date.js';
import { rejectionOf } from '../support/zumrails-assertions.js';

describe('ZumRailsTokenService: login failures map to typed errors', () => {
  const fixture = useFakeZumRails({});
  const manualDate = useManualDate();

  it.each<[string, ZumRailsFault, new (...args: never[]) => Error, string]>([
    [
      '401',
      { kind: 'status', status: 401 },
      ZumRailsCredentialsRejectedError,
      'credentials-rejected',
    ],
    [
      '403',
      { kind: 'status', status: 403 },
      ZumRailsCredentialsRejectedError,
      'credentials-rejected',
    ],
    [
      '429 with Retry-After',
      { kind: 'rate-limited', retryAfterSeconds: 7 },
      ZumRailsRateLimitedError,
      'rate-limited',
    ],
    ['500', { kind: 'status', status: 500 }, ZumRailsUnavailableError, 'unavailable'],
    ['503', { kind: 'status', status: 503 }, ZumRailsUnavailableError, 'unavailable'],
    ['a connection reset', { kind: 'reset' }, ZumRailsUnavailableError, 'unavailable'],
    [
      'an HTML page with 200',
      { kind: 'html', status: 200 },
      ZumRailsBadResponseError,
      'bad-response',
    ],
    [
      'an HTML gateway page (the proxy speaking, not Zum Rails) as transient',
      { kind: 'html', status: 502 },
      ZumRailsUnavailableError,
      'unavailable',
    ],
    ['an empty body', { kind: 'empty' }, ZumRailsBadResponseError, 'bad-response'],
    ['an empty 503', { kind: 'empty', status: 503 }, ZumRailsUnavailableError, 'unavailable'],
    [
      'non-JSON text',
      { kind: 'status', status: 200, body: 'hello' },
      ZumRailsBadResponseError,
      'bad-response',
    ],
    ['isError with HTTP 200', { kind: 'is-error-200' }, ZumRailsBadResponseError, 'bad-response'],
    [
      'a success without Token',
      { kind: 'missing-token' },
      ZumRailsBadResponseError,
      'bad-response',
    ],
    ['a 400 envelope', { kind: 'status', status: 400 }, ZumRailsBadResponseError, 'bad-response'],
  ])('maps %s', async (_name, fault, type, code) => {
    const subject = await fixture.start();
    fixture.fake.failLogin(fault);
    // refresh() reports its one attempt; getToken() would wait across transient failures.
    const error = await rejectionOf(subject.tokens.refresh());
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ code });
    expect(subject.tokens.getStatus().lastError?.code).toBe(code);
  });

  it('honours Retry-After on 429', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({ kind: 'rate-limited', retryAfterSeconds: 7 });
    await expect(subject.tokens.getToken()).rejects.toMatchObject({ retryAfterMs: 7_000 });
    const status = subject.tokens.getStatus();
    expect(status.nextAttemptAt! - Date.now()).toBeGreaterThan(6_000);
    // Callers during the wait fail fast, without another login.
    await expect(subject.tokens.getToken()).rejects.toBeInstanceOf(ZumRailsRateLimitedError);
    expect(fixture.fake.counters.failedLogins).toBe(1);
  });

  it('times out a hung login with requestTimeoutMs', async () => {
    const subject = await fixture.start({ requestTimeoutMs: 300 });
    fixture.fake.failLogin({ kind: 'hang' });
    await expect(subject.tokens.refresh()).rejects.toThrow(/within 300 ms \(timeout\)/);
    // It was sent and waited for: the fake holds the one login the deadline ended.
    expect(fixture.fake.requests.map((request) => request.path)).toEqual(['/api/authorize']);
  });

  it('releases waiting callers after tokenWaitTimeoutMs with a clear error', async () => {
    const subject = await fixture.start({ requestTimeoutMs: 300, tokenWaitTimeoutMs: 300 });
    fixture.fake.failLogin({ kind: 'hang' }, Infinity);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => subject.tokens.getToken()),
    );
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(
        ZumRailsTokenWaitTimeoutError,
      );
      expect(String((result as PromiseRejectedResult).reason.message)).toMatch(
        /no Zum Rails token within 300 ms/,
      );
    }
    expect(fixture.fake.counters.logins).toBe(0);
  });

  it('reaches a DNS-less or closed port as unavailable', async () => {
    const closed = await FakeZumRails.start();
    const url = closed.url;
    await closed.stop();
    const subject = await fixture.start({ baseUrl: url });
    await expect(subject.tokens.getToken()).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  it('joins a retry scheduled within the wait budget after a transient failure', async () => {
    const subject = await fixture.start({ loginRetry: { initialDelayMs: 200, maxDelayMs: 200 } });
    fixture.fake.failLogin({ kind: 'status', status: 503 });
    // The caller waits for the scheduled retry instead of failing or logging in itself.
    const token = await subject.tokens.getToken();
    expect(fixture.fake.isTokenValid(token)).toBe(true);
    expect(fixture.fake.counters.logins).toBe(1);
    expect(fixture.fake.counters.failedLogins).toBe(1);
  });

  it('does not storm the login endpoint with rejected credentials (≤ 3 logins in 10 s at 100 calls/s)', async () => {
    const date = manualDate();
    const subject = await fixture.start({ password: 'wrong-password' });
    const errors = new Set<string>();
    // 1,000 calls spread over 10 s of the manual Date: 100 calls/s.
    for (let call = 0; call < 1_000; call++) {
      await subject.tokens.getToken().catch((error: Error) => errors.add(error.constructor.name));
      date.advance(10);
    }
    expect(fixture.fake.counters.failedLogins).toBeLessThanOrEqual(3);
    expect(fixture.fake.counters.failedLogins).toBeGreaterThanOrEqual(1);
    expect([...errors]).toEqual(['ZumRailsCredentialsRejectedError']);
    expect(subject.tokens.getStatus().state).toBe('credentials-rejected');
  });
});
