import { describe, expect, it } from '@jest/globals';
import {
  ZumRailsApiError,
  ZumRailsBlockedByIntermediaryError,
  ZumRailsClient,
  ZumRailsCredentialsRejectedError,
  ZumRailsHttpError,
  ZumRailsRateLimitedError,
  ZumRailsUnavailableError,
} from '../../lib/index.js';
import type { ZumRailsFault } from '../../lib/testing/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { expectNoSecrets, rejectionOf, secretsOf } from '../support/zumrails-assertions.js';

// Short backoffs: what matters is who answered, not how long we wait.
const fixture = useFakeZumRails(
  {},
  {
    revokeOnShutdown: false,
    loginRetry: { initialDelayMs: 50, maxDelayMs: 100 },
    apiRetry: { initialDelayMs: 20, maxDelayMs: 40 },
  },
);

const WAF_PAGE: ZumRailsFault = {
  kind: 'status',
  status: 403,
  body: '<html><body><h1>403 Forbidden</h1>Request blocked by the web application firewall</body></html>',
  headers: { 'content-type': 'text/html' },
};

describe('login: only a Zum Rails envelope can reject credentials', () => {
  it("a WAF's HTML 403 is blocked-by-intermediary: no cool-down, no check-the-password log", async () => {
    const subject = await fixture.start({ credentialsRejectedCooldownMs: 60_000 });
    fixture.fake.failLogin(WAF_PAGE);

    const error = await rejectionOf(subject.tokens.refresh());

    expect(error).toBeInstanceOf(ZumRailsBlockedByIntermediaryError);
    expect(error).toMatchObject({ code: 'blocked-by-intermediary', status: 403 });
    expect((error as Error).message).toMatch(/HTTP 403.*not Zum Rails answering/);
    expect(subject.events.map((event) => event.type)).not.toContain('credentials-rejected');
    expect(subject.logs.text()).not.toMatch(/Check the username and password/);
    expect(subject.logs.lines.filter((line) => line.level === 'error')).toEqual([]);
    // No 60-s cool-down: the next login goes out after the short backoff and succeeds.
    await expect(subject.tokens.getToken()).resolves.toEqual(expect.any(String));
    await expectNoSecrets(secretsOf(fixture.fake), { errors: [error], app: subject });
  });

  it.each<[string, ZumRailsFault]>([
    ['an empty 401', { kind: 'empty', status: 401 }],
    ['a text 401', { kind: 'status', status: 401, body: 'Unauthorized' }],
    ['an HTML 403', { kind: 'html', status: 403 }],
  ])('%s is blocked-by-intermediary', async (_name, fault) => {
    const subject = await fixture.start();
    fixture.fake.failLogin(fault);
    await expect(subject.tokens.refresh()).rejects.toBeInstanceOf(
      ZumRailsBlockedByIntermediaryError,
    );
  });

  it('a 404 page is a bad response (not a verdict on anything)', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({ kind: 'html', status: 404 });
    await expect(subject.tokens.refresh()).rejects.toMatchObject({
      code: 'bad-response',
      status: 404,
    });
  });

  it('a 401 envelope still rejects the credentials', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({ kind: 'status', status: 401 });
    await expect(subject.tokens.refresh()).rejects.toBeInstanceOf(ZumRailsCredentialsRejectedError);
  });

  it.each([502, 503, 504])(
    "callers wait through a gateway's HTML %i page like a network error",
    async (status) => {
      const subject = await fixture.start();
      fixture.fake.failLogin({ kind: 'html', status }, 2);

      await expect(subject.tokens.getToken()).resolves.toEqual(expect.any(String));

      expect(fixture.fake.counters).toMatchObject({ failedLogins: 2, logins: 1 });
      expect(subject.tokens.getStatus().lastError).toBeUndefined();
    },
  );

  it('an HTML 408 and an empty 500 are transient too', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({ kind: 'html', status: 408 });
    await expect(subject.tokens.refresh()).rejects.toBeInstanceOf(ZumRailsUnavailableError);
    fixture.fake.failLogin({ kind: 'empty', status: 500 });
    await expect(subject.tokens.refresh()).rejects.toBeInstanceOf(ZumRailsUnavailableError);
  });

  it('a 429 page is rate-limited wherever it comes from', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({
      kind: 'status',
      status: 429,
      body: 'Too Many Requests',
      headers: { 'retry-after': '7' },
    });
    const error = await rejectionOf(subject.tokens.refresh());
    expect(error).toBeInstanceOf(ZumRailsRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 7_000 });
  });

  it('isError: false with statusCode 500 is no success, even with a token in it', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({
      kind: 'status',
      status: 200,
      body: { statusCode: 500, isError: false, message: 'oops', result: { Token: 'not-a-token' } },
    });
    await expect(subject.tokens.refresh()).rejects.toBeInstanceOf(ZumRailsUnavailableError);
  });
});

describe('the same answer means the same on an API call', () => {
  async function client(): Promise<ZumRailsClient> {
    const subject = await fixture.start();
    const zumRails = subject.app.get(ZumRailsClient);
    await zumRails.get('/api/wallet');
    fixture.fake.reset();
    return zumRails;
  }

  it.each<[string, ZumRailsFault]>([
    ['an HTML 503', { kind: 'html', status: 503 }],
    ['an empty 500', { kind: 'empty', status: 500 }],
    ['an HTML 408', { kind: 'html', status: 408 }],
    ['a 503 envelope', { kind: 'status', status: 503 }],
  ])('a GET answered %s once is retried, as a login waits through it', async (_name, fault) => {
    const zumRails = await client();
    fixture.fake.failApi(fault);
    await expect(zumRails.get('/api/wallet')).resolves.toHaveLength(2);
    expect(fixture.fake.counters.apiCalls).toBe(2);
  });

  it("a WAF's 403 page is not retried and carries no secret", async () => {
    const zumRails = await client();
    fixture.fake.failApi(WAF_PAGE, Infinity);
    const error = await rejectionOf(zumRails.get('/api/wallet'));
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).not.toBeInstanceOf(ZumRailsApiError);
    expect(error).toMatchObject({ status: 403 });
    expect(fixture.fake.counters.apiCalls).toBe(1);
    await expectNoSecrets(secretsOf(fixture.fake), { errors: [error] });
  });

  it('isError: false with statusCode 500 rejects instead of resolving', async () => {
    const zumRails = await client();
    fixture.fake.failApi({
      kind: 'status',
      status: 200,
      body: { statusCode: 500, isError: false, message: 'Internal error', result: [] },
    });
    const error = await rejectionOf(zumRails.get('/api/wallet'));
    expect(error).toBeInstanceOf(ZumRailsApiError);
    expect(error).toMatchObject({
      statusCode: 500,
      message: expect.stringContaining('Internal error'),
    });
  });
});

describe('canceltoken: a page is not Zum Rails saying the token is dead', () => {
  it('an HTML 401 is blocked-by-intermediary, not already-invalid', async () => {
    const subject = await fixture.start();
    await subject.tokens.getToken();
    fixture.fake.failCancel({ kind: 'html', status: 401 });
    const error = await rejectionOf(subject.tokens.cancelToken());
    expect(error).toBeInstanceOf(ZumRailsBlockedByIntermediaryError);
    expect(subject.events.filter((event) => event.type === 'cancelled')).toEqual([
      expect.objectContaining({ revoked: false }),
    ]);
  });

  it.each<[string, ZumRailsFault, object]>([
    ['a 403 envelope', { kind: 'status', status: 403 }, { code: 'bad-response', status: 403 }],
    ['an HTML 200 page', { kind: 'html', status: 200 }, { code: 'bad-response', status: 200 }],
    [
      'a 429',
      { kind: 'rate-limited', retryAfterSeconds: 2 },
      { code: 'rate-limited', retryAfterMs: 2_000 },
    ],
  ])('%s is a failed cancel', async (_name, fault, expected) => {
    const subject = await fixture.start();
    await subject.tokens.getToken();
    fixture.fake.failCancel(fault);
    await expect(subject.tokens.cancelToken()).rejects.toMatchObject(expected);
  });

  it('an empty 200 is a cancel done', async () => {
    const subject = await fixture.start();
    await subject.tokens.getToken();
    fixture.fake.failCancel({ kind: 'empty', status: 200 });
    await subject.tokens.cancelToken();
    expect(subject.events.filter((event) => event.type === 'cancelled')).toEqual([
      expect.objectContaining({ revoked: true, alreadyInvalid: false }),
    ]);
  });
});
