import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpCode, Post, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ZumRailsAuthModule,
  ZumRailsClient,
  ZumRailsExceptionFilter,
  ZumRailsWebhookGuard,
} from '../../lib/index.js';
import { FakeZumRails, type ZumRailsFault } from '../../lib/testing/index.js';
import { fakeOptions } from '../support/auth-app.js';
import { LogCapture } from '../support/log-capture.js';
import { secretForms } from '../support/zumrails-assertions.js';

const WEBHOOK_SECRET = 'whsec-probe-filter-0a9b8c7d';

/**
 * Probe: what the app's own clients see when a call to Zum Rails fails, through
 * ZumRailsExceptionFilter over real HTTP: never 401/403 (the refused credentials are the
 * service's, not the caller's), Retry-After on every 503, and no secret in the body, the
 * headers or the logs, whatever the vendor echoed.
 */
describe('probe: ZumRailsExceptionFilter answers the app client honestly', () => {
  let fake: FakeZumRails;
  let app: INestApplication;
  let url: string;
  let logs: LogCapture;

  @Controller()
  class ProbeController {
    constructor(private readonly zumRails: ZumRailsClient) {}

    @Get('call')
    async call(): Promise<unknown> {
      return this.zumRails.get('/api/wallet', { zumRailsTimeoutMs: 300 });
    }

    @Post('hooks')
    @HttpCode(200)
    @UseGuards(ZumRailsWebhookGuard)
    hook(): { ok: true } {
      return { ok: true };
    }
  }

  beforeEach(async () => {
    fake = await FakeZumRails.start();
    logs = new LogCapture();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ZumRailsAuthModule.forRoot({
          ...fakeOptions(fake, {
            webhookSecret: WEBHOOK_SECRET,
            revokeOnShutdown: false,
            apiRetry: false,
            requestTimeoutMs: 1_000,
            tokenWaitTimeoutMs: 1_000,
          }),
        }),
      ],
      controllers: [ProbeController],
    })
      .setLogger(logs)
      .compile();
    app = moduleRef.createNestApplication({ rawBody: true });
    app.useLogger(logs);
    app.useGlobalFilters(new ZumRailsExceptionFilter());
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterEach(async () => {
    await app.close();
    await fake.stop();
  });

  function secrets(): string[] {
    return [fake.password, WEBHOOK_SECRET, ...fake.issuedTokens()];
  }

  async function answer(): Promise<{ status: number; retryAfter: string | null; text: string }> {
    const response = await fetch(`${url}/call`);
    const headers = JSON.stringify([...response.headers]);
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      text: `${headers}\n${await response.text()}`,
    };
  }

  function expectSecretFree(text: string): void {
    const found = secrets().flatMap((secret) =>
      [...secretForms(secret), Buffer.from(secret).toString('base64')].filter((form) =>
        text.includes(form),
      ),
    );
    expect(found).toEqual([]);
  }

  async function bearer(): Promise<string> {
    expect((await answer()).status).toBe(200);
    return fake.issuedTokens().at(-1)!;
  }

  const echoing = (status: number, echo: string): ZumRailsFault => ({
    kind: 'status',
    status,
    body: { isError: true, statusCode: status, message: `refused ${echo}`, result: echo },
    headers: { 'x-echo': echo, 'set-cookie': `s=${encodeURIComponent(echo)}` },
  });

  it.each([
    ['a login refused with 401, echoing the password', 401, 502],
    ['a login refused with 403, echoing the password', 403, 502],
    ['a login answered 429', 429, 503],
    ['a login answered 503', 503, 503],
  ])('%s', async (_what, status, expected) => {
    fake.failLogin(echoing(status, fake.password), 5);
    const got = await answer();
    expect(got.status).toBe(expected);
    if (expected === 503) expect(Number(got.retryAfter)).toBeGreaterThanOrEqual(1);
    else expect(got.retryAfter).toBeNull();
    expectSecretFree(got.text);
    expectSecretFree(logs.text());
  });

  it.each([
    ['an API 401 echoing the bearer (every time)', 401, 502],
    ['an API 403 echoing the bearer', 403, 502],
    ['an API 500 echoing the bearer', 500, 502],
    ['an API 503 echoing the bearer', 503, 503],
    ['an API 429 echoing the bearer', 429, 503],
  ])('%s', async (_what, status, expected) => {
    const token = await bearer();
    fake.failApi(echoing(status, `Bearer ${token} ${fake.password}`), 5);
    const got = await answer();
    expect(got.status).toBe(expected);
    if (expected === 503) expect(Number(got.retryAfter)).toBeGreaterThanOrEqual(1);
    expectSecretFree(got.text);
    expectSecretFree(logs.text());
  });

  it('a 429 with Retry-After: the client is told the same wait', async () => {
    await bearer();
    fake.failApi({ kind: 'rate-limited', retryAfterSeconds: 42 });
    const got = await answer();
    expect(got).toMatchObject({ status: 503, retryAfter: '42' });
  });

  it('a timeout: 503 with Retry-After', async () => {
    await bearer();
    fake.failApi({ kind: 'hang' });
    const got = await answer();
    expect(got.status).toBe(503);
    expect(Number(got.retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('a forged webhook: 401 to the sender, the secret nowhere', async () => {
    const event = { Type: 'Transaction', Event: 'StatusChange', Data: { Id: 'tx-1' } };
    const forged = await fake.sendWebhook(`${url}/hooks`, event, { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    expectSecretFree(JSON.stringify(forged));
    expectSecretFree(logs.text());
  });
});
