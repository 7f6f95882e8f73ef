import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  NotFoundException,
  type ArgumentsHost,
  type INestApplication,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AxiosError, AxiosHeaders } from 'axios';
import request from 'supertest';
import {
  ZumRailsAuthModule,
  ZumRailsBadResponseError,
  ZumRailsClient,
  ZumRailsConfigError,
  ZumRailsCrossOriginError,
  ZumRailsExceptionFilter,
  ZumRailsInternalError,
  ZumRailsShutDownError,
  ZumRailsTokenService,
  ZumRailsTokenWaitTimeoutError,
  ZumRailsUnavailableError,
  ZumRailsWebhookError,
  type ZumRailsAuthOptions,
} from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { toZumRailsError } from '../../lib/http/zumrails-http.error.js';
import { fakeOptions } from '../support/auth-app.js';
import { LogCapture } from '../support/log-capture.js';

const PLANTED = 'planted-secret-4f1e9c';

/** What a route of the app throws without calling Zum Rails (set by each test). */
let thrown: unknown;

@Controller()
class ProbeController {
  constructor(
    private readonly zumRails: ZumRailsClient,
    private readonly tokens: ZumRailsTokenService,
  ) {}

  /** One login attempt: its own error, whatever the load (a wait across retries may time out first). */
  @Get('login')
  login(): Promise<string> {
    return this.tokens.refresh();
  }

  @Get('wallets')
  wallets(): Promise<unknown> {
    return this.zumRails.get('/api/wallet');
  }

  @Get('throws')
  throws(): never {
    throw thrown;
  }
}

/** An AxiosError carrying the secrets a real one carries: bearer, body, and a cause. */
function leakyAxiosError(code: string): AxiosError {
  const headers = new AxiosHeaders({ Authorization: `Bearer ${PLANTED}` });
  const config = { headers, method: 'post', url: '/api/transaction', data: `{"pw":"${PLANTED}"}` };
  const error = new AxiosError(`socket hang up`, code, config);
  Object.defineProperty(error, 'cause', { value: new Error(`cause with ${PLANTED}`) });
  return error;
}

/** A base URL where nothing listens: the network is down. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}`;
}

const REGISTRATIONS = ['useGlobalFilters', 'APP_FILTER'] as const;

describe.each(REGISTRATIONS)('ZumRailsExceptionFilter through %s', (registration) => {
  let fake: FakeZumRails;
  let app: INestApplication | undefined;
  const logs = new LogCapture();

  beforeEach(async () => {
    fake = await FakeZumRails.start();
    logs.lines.length = 0;
    thrown = undefined;
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await fake.stop();
  });

  async function boot(overrides: Partial<ZumRailsAuthOptions> = {}): Promise<request.Agent> {
    const providers: Provider[] =
      registration === 'APP_FILTER'
        ? [{ provide: APP_FILTER, useClass: ZumRailsExceptionFilter }]
        : [];
    const moduleRef = await Test.createTestingModule({
      imports: [ZumRailsAuthModule.forRoot(fakeOptions(fake, { apiRetry: false, ...overrides }))],
      controllers: [ProbeController],
      providers,
    })
      .setLogger(logs)
      .compile();
    app = moduleRef.createNestApplication({ logger: logs });
    if (registration === 'useGlobalFilters') app.useGlobalFilters(new ZumRailsExceptionFilter());
    await app.init();
    return request.agent(app.getHttpServer());
  }

  it('answers 502 credentials-rejected (never 401) when Zum Rails refuses the login, without the password', async () => {
    const http = await boot({ password: PLANTED });
    const response = await http.get('/wallets').expect(502);
    expect(response.body).toEqual({
      statusCode: 502,
      error: 'credentials-rejected',
      message: "Zum Rails refused this service's API credentials",
    });
    expect(response.headers['retry-after']).toBeUndefined();
    expect(fake.counters.failedLogins).toBeGreaterThanOrEqual(1);
    expect(response.text).not.toContain(PLANTED);
  });

  it("answers 503 rate-limited with Zum Rails' Retry-After when the login is rate limited", async () => {
    fake.failLogin({ kind: 'rate-limited', retryAfterSeconds: 30 });
    const response = await (await boot()).get('/wallets').expect(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.body).toEqual({
      statusCode: 503,
      error: 'rate-limited',
      message: 'Zum Rails rate limit reached; retry in 30 s',
    });
  });

  it('answers 502 api-error with the vendor text when an API call gets isError on HTTP 200', async () => {
    fake.failApi({ kind: 'is-error-200', message: 'Insufficient funds' });
    const response = await (await boot()).get('/wallets').expect(502);
    expect(response.body).toMatchObject({
      statusCode: 502,
      error: 'api-error',
      message: 'Zum Rails refused the request: Insufficient funds',
    });
  });

  it('answers 502 api-error (not 503) when an API call gets a 500 error envelope', async () => {
    fake.failApi({ kind: 'status', status: 500 });
    const response = await (await boot()).get('/wallets').expect(502);
    expect(response.body).toMatchObject({ statusCode: 502, error: 'api-error' });
    expect(response.headers['retry-after']).toBeUndefined();
  });

  it("answers 503 rate-limited with the API's own Retry-After when an API call gets 429", async () => {
    fake.failApi({ kind: 'rate-limited', retryAfterSeconds: 60 });
    const response = await (await boot()).get('/wallets').expect(503);
    expect(response.headers['retry-after']).toBe('60');
    expect(response.body).toMatchObject({ statusCode: 503, error: 'rate-limited' });
  });

  it('answers 503 unavailable with a Retry-After when an API call gets a 5xx or a reset', async () => {
    fake.failApi({ kind: 'status', status: 503 });
    fake.failApi({ kind: 'reset' });
    const http = await boot();
    for (let i = 0; i < 2; i++) {
      const response = await http.get('/wallets').expect(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.body).toMatchObject({ statusCode: 503, error: 'unavailable' });
    }
  });

  it('answers 502 blocked-by-intermediary (never 403) for an HTML 403 page from a proxy', async () => {
    fake.failApi({ kind: 'html', status: 403 });
    const response = await (await boot()).get('/wallets').expect(502);
    expect(response.body).toMatchObject({ statusCode: 502, error: 'blocked-by-intermediary' });
  });

  it('answers 503 unavailable with a Retry-After when the network is down at login', async () => {
    const http = await boot({
      baseUrl: await closedPortUrl(),
      requestTimeoutMs: 1_000,
      tokenWaitTimeoutMs: 1_000,
    });
    const response = await http.get('/login').expect(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toEqual({
      statusCode: 503,
      error: 'unavailable',
      message: 'Zum Rails is unavailable; retry later',
    });
  });

  it("answers 500 internal for the app's own faults, and no secret from a cause reaches the client or the log", async () => {
    const http = await boot();
    thrown = new ZumRailsInternalError(new TypeError(`password is ${PLANTED}`));
    const internal = await http.get('/throws').expect(500);
    expect(internal.body).toEqual({
      statusCode: 500,
      error: 'internal',
      message: 'internal error while calling Zum Rails',
    });
    thrown = toZumRailsError(leakyAxiosError('ERR_BAD_OPTION'));
    const invalid = await http.get('/throws').expect(500);
    expect(invalid.body).toMatchObject({ error: 'invalid-request' });
    thrown = toZumRailsError(leakyAxiosError('ECONNRESET'));
    const reset = await http.get('/throws').expect(503);
    const unavailable = new ZumRailsUnavailableError('connection reset');
    Object.defineProperty(unavailable, 'cause', { value: leakyAxiosError('ECONNRESET') });
    thrown = unavailable;
    const withCause = await http.get('/throws').expect(503);
    for (const response of [internal, invalid, reset, withCause])
      expect(response.text).not.toContain(PLANTED);
    expect(logs.text()).toContain('ZumRailsInternalError');
    expect(logs.text()).not.toContain(PLANTED);
  });

  it.each([
    [new ZumRailsTokenWaitTimeoutError('unavailable'), 503, 'token-wait-timeout'],
    [new ZumRailsShutDownError(), 503, 'shut-down'],
    [new ZumRailsBadResponseError('HTML instead of JSON (HTTP 200)', 200), 502, 'bad-response'],
    [new ZumRailsConfigError('username', 'is missing'), 500, 'config'],
    [
      new ZumRailsCrossOriginError('POST', 'https://elsewhere', 'request', 'https://api'),
      500,
      'cross-origin',
    ],
  ])('answers %p with %p %p', async (error, status, code) => {
    const http = await boot();
    thrown = error;
    const response = await http.get('/throws').expect(status);
    expect(response.body).toMatchObject({ statusCode: status, error: code });
    expect(response.headers['retry-after']).toBe(status === 503 ? '5' : undefined);
    expect(response.text).not.toContain('elsewhere');
  });

  it('keeps the answer of a webhook refusal (401, not a 5xx) though it is a ZumRailsError', async () => {
    const http = await boot();
    thrown = new ZumRailsWebhookError('webhook-signature');
    expect((await http.get('/throws').expect(401)).body).toEqual({
      statusCode: 401,
      message: 'Unauthorized',
    });
  });

  it("leaves other exceptions to Nest's default handling", async () => {
    const http = await boot();
    thrown = new NotFoundException('no such wallet');
    expect((await http.get('/throws').expect(404)).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'no such wallet',
    });
    thrown = new Error(`unknown ${PLANTED}`);
    expect((await http.get('/throws').expect(500)).body).toEqual({
      statusCode: 500,
      message: 'Internal server error',
    });
  });
});

describe('ZumRailsExceptionFilter outside Express', () => {
  const error = new ZumRailsShutDownError();
  const hostOf = (type: string, response: unknown) =>
    ({
      getType: () => type,
      switchToHttp: () => ({ getResponse: () => response }),
    }) as unknown as ArgumentsHost;

  it('answers through a Fastify-style reply (header, status, send)', () => {
    const sent: unknown[] = [];
    const headers: Record<string, string> = {};
    const reply = {
      header: (name: string, value: string) => (headers[name] = value),
      status: (code: number) => ({ send: (body: unknown) => sent.push(code, body) }),
    };
    new ZumRailsExceptionFilter().catch(error, hostOf('http', reply));
    expect(headers).toEqual({ 'Retry-After': '5' });
    expect(sent).toEqual([503, expect.objectContaining({ error: 'shut-down' })]);
  });

  it('throws the error on unchanged in a context that is not HTTP', () => {
    expect(() => new ZumRailsExceptionFilter().catch(error, hostOf('rpc', {}))).toThrow(error);
  });
});
