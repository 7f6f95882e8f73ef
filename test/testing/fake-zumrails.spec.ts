import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { FakeZumRails } from '../../lib/testing/index.js';
import type { FakeZumRailsOptions } from '../../lib/testing/index.js';
import { until } from '../support/zumrails-assertions.js';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

interface Send {
  method?: string;
  token?: string;
  body?: unknown;
  raw?: string;
}

let fake: FakeZumRails;
let extra: FakeZumRails[] = [];

async function startFake(options?: FakeZumRailsOptions): Promise<FakeZumRails> {
  const started = await FakeZumRails.start(options);
  extra.push(started);
  return started;
}

async function call(path: string, send: Send = {}, on: FakeZumRails = fake): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (send.token !== undefined) headers.authorization = `Bearer ${send.token}`;
  const body = send.raw ?? (send.body === undefined ? undefined : JSON.stringify(send.body));
  const res = await fetch(`${on.url}${path}`, { method: send.method ?? 'GET', headers, body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the caller looks at `text`
  }
  return { status: res.status, headers: res.headers, text, json };
}

function login(username = fake.username, password = fake.password, on = fake): Promise<Answer> {
  return call(
    '/api/authorize',
    { method: 'POST', body: { Username: username, Password: password } },
    on,
  );
}

async function token(on = fake): Promise<string> {
  const answer = await login(on.username, on.password, on);
  return (answer.json.result as { Token: string }).Token;
}

function claims(jwt: string): Record<string, unknown> {
  const [header, payload] = jwt.split('.') as [string, string];
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown,
    ...(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>),
  };
}

/** A raw node:http request so socket-level failures surface with their error code. */
function rawRequest(path: string, method = 'POST'): Promise<NodeJS.ErrnoException | number> {
  return new Promise((resolve) => {
    const req = httpRequest(`${fake.url}${path}`, { method, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', resolve);
    req.end('{}');
  });
}

beforeEach(async () => {
  fake = await FakeZumRails.start();
});

afterEach(async () => {
  await Promise.all([fake.stop(), ...extra.map((started) => started.stop())]);
  extra = [];
});

describe('login', () => {
  it('issues a signed HS256 JWT whose exp - iat is the ttl', async () => {
    const before = Date.now();
    const answer = await login();
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.json).toMatchObject({
      statusCode: 200,
      message: 'POST Request successful.',
      isError: false,
      result: {
        Role: 'API',
        CompanyName: 'Fake Company Inc.',
        CustomerType: 'Customer',
        Username: 'fake-api-user',
        LoginType: 'API',
        IsTwoFactorAuthenticationEnabled: false,
      },
    });
    const result = answer.json.result as Record<string, unknown>;
    for (const key of ['CustomerId', 'Id', 'CreatedAt', 'RefreshToken']) {
      expect(typeof result[key]).toBe('string');
    }
    const jwt = claims(result.Token as string);
    expect(jwt.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(jwt).toMatchObject({ sub: result.Id, nbf: jwt.iat });
    expect((jwt.exp as number) - (jwt.iat as number)).toBe(3600);
    expect(jwt.iat).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(jwt.iat).toBeLessThanOrEqual(Date.now() / 1000);
    expect(fake.isTokenValid(result.Token as string)).toBe(true);
    expect(fake.counters).toMatchObject({ logins: 1, failedLogins: 0 });
  });

  it('issues distinct tokens within the same second and lists them', async () => {
    const [a, b] = await Promise.all([token(), token()]);
    expect(a).not.toBe(b);
    expect(claims(a).jti).not.toBe(claims(b).jti);
    expect(fake.issuedTokens()).toEqual(expect.arrayContaining([a, b]));
  });

  it('applies a ttl changed at runtime to the next token only', async () => {
    fake.tokenTtlSeconds = 120;
    const jwt = claims(await token());
    expect((jwt.exp as number) - (jwt.iat as number)).toBe(120);
    expect(() => (fake.tokenTtlSeconds = 0.5)).toThrow(RangeError);
    await expect(FakeZumRails.start({ tokenTtlSeconds: 0 })).rejects.toThrow(RangeError);
  });

  it('answers 401 with the string exception for a wrong password or unknown user', async () => {
    for (const answer of [await login(fake.username, 'nope'), await login('someone-else')]) {
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({
        statusCode: 401,
        message: 'Unauthorized',
        isError: true,
        result: null,
        responseException: {
          exceptionMessage: 'Unauthorized: your API key is wrong or your token has expired',
        },
      });
    }
    expect(fake.counters).toMatchObject({ logins: 0, failedLogins: 2 });
  });

  it('answers 400 with an RFC 7807-like exception for a malformed body', async () => {
    const answer = await call('/api/authorize', { method: 'POST', raw: '{"Username":' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ statusCode: 400, isError: true, result: null });
    expect(answer.json.responseException).toEqual({
      exceptionMessage: { title: 'Bad Request', status: 400, traceId: expect.any(String) },
    });
    expect(fake.lastRequest()?.body).toBe('{"Username":');
  });

  it('selects failures through the username alone', async () => {
    const unavailable = await login('fail:503');
    expect(unavailable.status).toBe(503);
    expect(unavailable.json).toMatchObject({ statusCode: 503, isError: true });
    const limited = await login('fail:429');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await login('fail:html')).headers.get('content-type')).toMatch(/^text\/html/);
    expect(fake.counters).toMatchObject({ logins: 0, failedLogins: 3 });
  });
});

describe('faults', () => {
  it('answers a status fault with the envelope, or the given body and headers', async () => {
    fake.failLogin({ kind: 'status', status: 500 });
    fake.failLogin({
      kind: 'status',
      status: 418,
      body: { teapot: true },
      headers: { 'X-A': 'b' },
    });
    fake.failLogin({ kind: 'status', status: 502, body: 'upstream gone' });
    const first = await login();
    expect(first.status).toBe(500);
    expect(first.json.responseException).toEqual({
      exceptionMessage: {
        title: 'Internal Server Error',
        status: 500,
        traceId: expect.any(String),
      },
    });
    const second = await login();
    expect([second.status, second.json, second.headers.get('x-a')]).toEqual([
      418,
      { teapot: true },
      'b',
    ]);
    const third = await login();
    expect([third.status, third.text]).toEqual([502, 'upstream gone']);
    expect((await login()).status).toBe(200);
  });

  it('answers rate-limited with 429, Retry-After and the quota message', async () => {
    fake.failLogin({ kind: 'rate-limited', retryAfterSeconds: 300 });
    const answer = await login();
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('300');
    expect(answer.json.responseException).toEqual({ exceptionMessage: 'You reached your quota' });
  });

  it('answers is-error-200 with HTTP 200 and an error envelope', async () => {
    fake.failLogin({ kind: 'is-error-200', message: 'Invalid credentials' });
    const answer = await login();
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      statusCode: 400,
      isError: true,
      message: 'Invalid credentials',
      result: null,
    });
  });

  it('answers html like the istio-envoy edge and empty with no body', async () => {
    fake.failApi({ kind: 'html' });
    fake.failApi({ kind: 'empty', status: 503 });
    fake.failApi({ kind: 'empty' });
    const html = await call('/api/wallet');
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.text).toContain('istio-envoy');
    expect([(await call('/api/wallet')).status, (await call('/api/wallet')).text]).toEqual([
      503,
      '',
    ]);
    expect(fake.counters.apiCalls).toBe(3);
  });

  it('answers missing-token with a success envelope that has no Token', async () => {
    fake.failLogin({ kind: 'missing-token' });
    const answer = await login();
    expect(answer.json).toMatchObject({ statusCode: 200, isError: false, result: { Role: 'API' } });
    expect(answer.json.result).not.toHaveProperty('Token');
    expect(fake.counters).toMatchObject({ logins: 0, failedLogins: 1 });
    expect(() => fake.failApi({ kind: 'missing-token' })).toThrow(TypeError);
  });

  it('delays, then still checks the credentials', async () => {
    fake.failLogin({ kind: 'delay', ms: 300 }, 2);
    const order: string[] = [];
    const delayed = Promise.all([login(), login(fake.username, 'wrong')]).then((answers) => {
      order.push('delayed');
      return answers;
    });
    await until(() => fake.requests.length === 2);
    // No fault left: a third login, sent after both, is answered before them.
    await login();
    order.push('undelayed');
    const [ok, rejected] = await delayed;
    expect(order).toEqual(['undelayed', 'delayed']);
    expect([ok.status, rejected.status]).toEqual([200, 401]);
  });

  it('resets the socket without a response', async () => {
    fake.failLogin({ kind: 'reset' });
    const outcome = await rawRequest('/api/authorize');
    expect(outcome).toMatchObject({ code: 'ECONNRESET' });
    expect(fake.counters.failedLogins).toBe(1);
  });

  it('hangs until stop(), which then leaves no server or socket open', async () => {
    const count = (kind: string): number =>
      process.getActiveResourcesInfo().filter((name) => name === kind).length;
    await new Promise((resolve) => setTimeout(resolve, 10)); // let earlier tests' handles go
    const [servers, sockets] = [count('TCPServerWrap'), count('TCPSocketWrap')];
    fake.failLogin({ kind: 'hang' });
    const outcome = rawRequest('/api/authorize');
    await until(() => fake.lastRequest('/api/authorize') !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(count('TCPSocketWrap')).toBeGreaterThan(sockets);
    await fake.stop();
    await expect(outcome).resolves.toMatchObject({ message: 'socket hang up' });
    await fake.stop();
    // libuv releases closed handles on a later loop turn
    await until(() => count('TCPServerWrap') < servers && count('TCPSocketWrap') <= sockets);
  });

  it('consumes faults in order and honours times, Infinity and clearFaults', async () => {
    fake.failLogin({ kind: 'status', status: 503 }, 2);
    fake.failLogin({ kind: 'status', status: 500 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login()).status);
    expect(statuses).toEqual([503, 503, 500, 200]);
    fake.failApi({ kind: 'status', status: 500 }, Infinity);
    expect((await call('/api/wallet')).status).toBe(500);
    expect((await call('/api/wallet')).status).toBe(500);
    fake.clearFaults();
    expect((await call('/api/wallet')).status).toBe(401);
    expect(() => fake.failLogin({ kind: 'delay', ms: 1 }, 0)).toThrow(RangeError);
    expect(() => fake.failApi({ kind: 'status', status: 99 })).toThrow(RangeError);
  });
});

describe('protected endpoints', () => {
  it('serves wallets, a user page and an echo for every verb with a valid bearer', async () => {
    const bearer = await token();
    const wallets = await call('/api/wallet', { token: bearer });
    expect(wallets.json).toMatchObject({ statusCode: 200, isError: false });
    expect(wallets.json.result).toEqual([
      expect.objectContaining({ Type: 'Operational', Currency: 'CAD' }),
      expect.objectContaining({ Type: 'Operational', Currency: 'CAD' }),
    ]);
    fake.setWallets([{ Id: 'w', Type: 'Operational', Balance: 1, Currency: 'CAD' }]);
    expect((await call('/api/wallet', { token: bearer })).json.result).toHaveLength(1);
    const page = await call('/api/user/filter', {
      method: 'POST',
      token: bearer,
      body: { Pagination: { PageNumber: 1 } },
    });
    expect(page.json.result).toMatchObject({ CurrentPage: 1, PageSize: 10, TotalCount: 3 });
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const body = method === 'GET' ? undefined : { n: 1 };
      const echo = await call('/api/payee/42', { method, token: bearer, body });
      expect(echo.json).toEqual({
        statusCode: 200,
        message: 'OK',
        isError: false,
        result: { method, path: '/api/payee/42', body: body ?? null },
      });
    }
    expect(fake.counters).toMatchObject({ apiCalls: 8, apiUnauthorized: 0 });
  });

  it('answers 401 without a bearer or with an unknown one, and 404 off /api', async () => {
    expect((await call('/api/wallet')).status).toBe(401);
    const forged = await call('/api/wallet', { token: 'eyJ.forged.token' });
    expect(forged.json.responseException).toEqual({
      exceptionMessage: 'Unauthorized: your API key is wrong or your token has expired',
    });
    expect((await call('/health')).status).toBe(404);
    expect(fake.counters).toMatchObject({ apiCalls: 2, apiUnauthorized: 2 });
  });

  it('rejects a token once its ttl has passed on the injected clock', async () => {
    let now = Date.now();
    const timed = await startFake({ tokenTtlSeconds: 1, clock: { now: () => now } });
    const bearer = await token(timed);
    now += 999;
    expect((await call('/api/wallet', { token: bearer }, timed)).status).toBe(200);
    now += 1;
    expect(timed.isTokenValid(bearer)).toBe(false);
    expect((await call('/api/wallet', { token: bearer }, timed)).status).toBe(401);
    expect(timed.counters).toMatchObject({ apiUnauthorized: 1, expiredTokenCalls: 1 });
  });

  it('rejects revoked tokens, and revokeAllTokens spares later ones', async () => {
    const [a, b] = [await token(), await token()];
    fake.revokeToken(a);
    expect((await call('/api/wallet', { token: a })).status).toBe(401);
    expect((await call('/api/wallet', { token: b })).status).toBe(200);
    fake.revokeAllTokens();
    const c = await token();
    expect((await call('/api/wallet', { token: b })).status).toBe(401);
    expect((await call('/api/wallet', { token: c })).status).toBe(200);
    expect(fake.counters).toMatchObject({ apiUnauthorized: 2, revokedTokenCalls: 2 });
  });

  it('lets failApi answer before the bearer is checked', async () => {
    fake.failApi({ kind: 'delay', ms: 20 });
    expect((await call('/api/wallet')).status).toBe(401);
    fake.failApi({ kind: 'status', status: 503 });
    expect((await call('/api/wallet')).status).toBe(503);
    expect(fake.counters).toMatchObject({ apiCalls: 2, apiUnauthorized: 1 });
  });
});

describe('canceltoken', () => {
  it('cancels the bearer token, which then answers 401', async () => {
    const bearer = await token();
    const cancel = await call('/api/authorize/canceltoken', { method: 'PATCH', token: bearer });
    expect(cancel.status).toBe(200);
    expect(cancel.json).toEqual({ statusCode: 200, message: 'Token cancelled', isError: false });
    expect((await call('/api/wallet', { token: bearer })).status).toBe(401);
    const again = await call('/api/authorize/canceltoken', { method: 'PATCH', token: bearer });
    expect(again.status).toBe(401);
    expect((await call('/api/authorize/canceltoken', { method: 'PATCH' })).status).toBe(401);
    expect(fake.counters).toMatchObject({ cancels: 1, failedCancels: 2, revokedTokenCalls: 1 });
  });

  it('takes its own faults', async () => {
    const bearer = await token();
    fake.failCancel({ kind: 'status', status: 500 });
    expect(
      (await call('/api/authorize/canceltoken', { method: 'PATCH', token: bearer })).status,
    ).toBe(500);
    expect(fake.isTokenValid(bearer)).toBe(true);
  });
});

describe('observation', () => {
  it('records method, path, headers, parsed body and receivedAt', async () => {
    const before = Date.now();
    await login();
    await call('/api/wallet?x=1', { token: 'abc' });
    const recorded = fake.lastRequest('/api/authorize');
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/api/authorize',
      body: { Username: 'fake-api-user', Password: 'fake-api-password' },
    });
    expect(recorded?.headers['content-type']).toBe('application/json');
    expect(recorded?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(fake.lastRequest()).toMatchObject({ path: '/api/wallet', url: '/api/wallet?x=1' });
    expect(fake.lastRequest('/API/Wallet/')?.headers.authorization).toBe('Bearer abc');
    expect(fake.lastRequest('/api/user/filter')).toBeUndefined();
  });

  it('keeps only the most recent maxRecordedRequests', async () => {
    const small = await startFake({ maxRecordedRequests: 3 });
    for (let i = 0; i < 5; i++) await call(`/api/echo/${i}`, {}, small);
    expect(small.requests.map((r) => r.path)).toEqual([
      '/api/echo/2',
      '/api/echo/3',
      '/api/echo/4',
    ]);
    expect(small.lastRequest('/api/echo/1')).toBeUndefined();
  });

  it('reset clears counters, requests and faults but not token validity', async () => {
    const bearer = await token();
    fake.failLogin({ kind: 'status', status: 503 });
    fake.reset();
    expect(fake.counters.logins).toBe(0);
    expect(fake.requests).toHaveLength(0);
    expect((await login()).status).toBe(200);
    expect((await call('/api/wallet', { token: bearer })).status).toBe(200);
  });
});
