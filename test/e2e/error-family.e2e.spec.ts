import { describe, expect, it } from '@jest/globals';
import { Catch, Controller, HttpCode, Post, UseGuards, type ArgumentsHost } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { isAxiosError, type AxiosResponse } from 'axios';
import {
  ZUMRAILS_ERROR_CODES,
  ZumRailsAuthError,
  ZumRailsAuthModule,
  ZumRailsClient,
  ZumRailsConfigError,
  ZumRailsError,
  ZumRailsExceptionFilter,
  ZumRailsWebhookError,
  ZumRailsWebhookGuard,
  type ZumRailsErrorCode,
} from '../../lib/index.js';
import type { ZumRailsFault } from '../../lib/testing/index.js';
import { verdictOf } from '../../lib/protocol/zumrails-protocol.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { fakeOptions } from '../support/auth-app.js';
import { LogCapture } from '../support/log-capture.js';
import { expectNoSecrets, rejectionOf, secretsOf } from '../support/zumrails-assertions.js';

const WEBHOOK_SECRET = 'whsec-family-7c1d9e0b';

/**
 * What an app writes: one `instanceof`, one `switch`. The `never` default makes the compiler
 * prove the switch covers every code; the return value shows which branch ran.
 */
function handled(error: unknown): ZumRailsErrorCode | 'not ours' {
  if (!(error instanceof ZumRailsError)) return 'not ours';
  const code = error.code;
  switch (code) {
    case 'config':
    case 'credentials-rejected':
    case 'blocked-by-intermediary':
    case 'rate-limited':
    case 'unavailable':
    case 'bad-response':
    case 'api-error':
    case 'token-wait-timeout':
    case 'shut-down':
    case 'cross-origin':
    case 'invalid-request':
    case 'cancelled':
    case 'internal':
    case 'webhook-signature':
    case 'webhook-not-an-event':
    case 'webhook-body-too-large':
    case 'webhook-body-timeout':
    case 'webhook-in-flight':
    case 'webhook-dedup-unavailable':
      return code;
    default: {
      const unhandled: never = code;
      return unhandled;
    }
  }
}

/** A documented code, and no secret in any rendering of the error. */
async function expectFamily(error: unknown, code: ZumRailsErrorCode, secrets: string[]) {
  expect(error).toBeInstanceOf(ZumRailsError);
  expect(handled(error)).toBe(code);
  expect(Object.keys(ZUMRAILS_ERROR_CODES)).toContain(code);
  expect(isAxiosError(error)).toBe(false);
  await expectNoSecrets(secrets, { errors: [error] });
}

describe('one error family: every failure is a ZumRailsError with a documented code', () => {
  const fixture = useFakeZumRails({}, { revokeOnShutdown: false, apiRetry: false });

  async function client(overrides = {}) {
    const subject = await fixture.start(overrides);
    return subject.app.get(ZumRailsClient);
  }

  it('a rejected login: credentials-rejected, no password in it', async () => {
    fixture.fake.failLogin({ kind: 'status', status: 401 });
    const error = await rejectionOf((await client()).get('/api/wallet'));
    await expectFamily(error, 'credentials-rejected', secretsOf(fixture.fake));
    expect(error).toMatchObject({ status: 401 });
  });

  it('an isError answer on HTTP 200: api-error with the HTTP facts as fields', async () => {
    const zumRails = await client();
    await zumRails.get('/api/wallet'); // a bearer is in play
    fixture.fake.failApi({ kind: 'is-error-200', message: 'Insufficient funds' });
    const error = await rejectionOf(zumRails.post('/api/transaction', { Amount: 1 }));
    await expectFamily(error, 'api-error', secretsOf(fixture.fake));
    expect(error).toMatchObject({
      status: 200,
      statusCode: 400,
      vendorMessage: 'Insufficient funds',
      method: 'POST',
      path: '/api/transaction',
      origin: fixture.fake.url,
    });
  });

  it('an HTTP 500: api-error with an envelope, unavailable for a page', async () => {
    const zumRails = await client();
    await zumRails.get('/api/wallet');
    fixture.fake.failApi({ kind: 'status', status: 500 });
    await expectFamily(
      await rejectionOf(zumRails.get('/api/wallet')),
      'api-error',
      secretsOf(fixture.fake),
    );
    fixture.fake.failApi({ kind: 'html', status: 500 });
    const page = await rejectionOf(zumRails.get('/api/wallet'));
    await expectFamily(page, 'unavailable', secretsOf(fixture.fake));
    expect(page).toMatchObject({ status: 500 });
  });

  it('an HTTP 500 envelope is api-error whatever the responseType (arraybuffer reads the same)', async () => {
    const zumRails = await client();
    await zumRails.get('/api/wallet');
    fixture.fake.failApi({
      kind: 'status',
      status: 500,
      body: { isError: true, statusCode: 500, message: 'Boom' },
    });
    const error = await rejectionOf(zumRails.get('/api/wallet', { responseType: 'arraybuffer' }));
    await expectFamily(error, 'api-error', secretsOf(fixture.fake));
    expect(error).toMatchObject({ status: 500, statusCode: 500, vendorMessage: 'Boom' });
  });

  it("a timeout: unavailable, axios' code only in the hidden cause", async () => {
    const zumRails = await client();
    await zumRails.get('/api/wallet');
    fixture.fake.failApi({ kind: 'hang' });
    const error = await rejectionOf(zumRails.get('/api/wallet', { zumRailsTimeoutMs: 200 }));
    await expectFamily(error, 'unavailable', secretsOf(fixture.fake));
    expect((error as ZumRailsError).cause).toMatchObject({ code: 'ECONNABORTED' });
    expect(JSON.stringify(error)).not.toContain('ECONNABORTED');
  });

  it('a rate-limit refusal: rate-limited, from the API budget and from a 429', async () => {
    const zumRails = await client({
      rateLimits: { rules: [{ path: '/api/echo/*', limit: 1, windowMs: 60_000 }], maxWaitMs: 100 },
    });
    await zumRails.get('/api/echo/1');
    const budget = await rejectionOf(zumRails.get('/api/echo/2'));
    await expectFamily(budget, 'rate-limited', secretsOf(fixture.fake));
    expect((budget as ZumRailsError).retryAfterMs).toBeGreaterThan(0);
    fixture.fake.failApi({ kind: 'rate-limited', retryAfterSeconds: 30 });
    const vendor = await rejectionOf(zumRails.get('/api/wallet'));
    await expectFamily(vendor, 'rate-limited', secretsOf(fixture.fake));
    expect(vendor).toMatchObject({ status: 429, retryAfterMs: 30_000 });
  });

  it('a config error: config, naming the option', async () => {
    const error = await rejectionOf(
      (async () => {
        const moduleRef = await Test.createTestingModule({
          imports: [
            ZumRailsAuthModule.forRoot(fakeOptions(fixture.fake, { refreshLeadTimeMs: -1 })),
          ],
        })
          .setLogger(new LogCapture())
          .compile();
        await moduleRef.close();
      })(),
    );
    await expectFamily(error, 'config', secretsOf(fixture.fake));
    expect(error).toBeInstanceOf(ZumRailsConfigError);
    expect(error).toMatchObject({ field: 'refreshLeadTimeMs' });
  });

  it('a webhook refusal: webhook-signature, still answered 401 to the sender', async () => {
    const seen: unknown[] = [];
    @Catch(ZumRailsError)
    class RecordingFilter extends ZumRailsExceptionFilter {
      override catch(error: ZumRailsError, host: ArgumentsHost): void {
        seen.push(error);
        super.catch(error, host);
      }
    }
    @Controller('hooks')
    class HookController {
      @Post()
      @HttpCode(200)
      @UseGuards(ZumRailsWebhookGuard)
      handle(): { ok: true } {
        return { ok: true };
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        ZumRailsAuthModule.forRoot({
          ...fakeOptions(fixture.fake, { webhookSecret: WEBHOOK_SECRET }),
          isGlobal: true,
        }),
      ],
      controllers: [HookController],
    })
      .setLogger(new LogCapture())
      .compile();
    const app = moduleRef.createNestApplication({ rawBody: true, logger: false });
    app.useGlobalFilters(new RecordingFilter());
    try {
      await app.listen(0, '127.0.0.1');
      const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/hooks`;
      const event = { Type: 'Transaction', Event: 'StatusChange', Data: { Id: 'tx-1' } };
      const forged = await fixture.fake.sendWebhook(url, event, { secret: 'not-the-secret' });
      expect(forged.status).toBe(401);
      expect(seen).toHaveLength(1);
      await expectFamily(seen[0], 'webhook-signature', [WEBHOOK_SECRET]);
      expect(seen[0]).toBeInstanceOf(ZumRailsWebhookError);
      const signed = await fixture.fake.sendWebhook(url, event, { secret: WEBHOOK_SECRET });
      expect(signed.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('ZumRailsError', () => {
  it('holds for another loaded copy of the package (the brand), not for look-alikes', () => {
    const foreign = Object.assign(new Error('from the CommonJS copy'), { code: 'unavailable' });
    expect(foreign).not.toBeInstanceOf(ZumRailsError);
    Object.defineProperty(foreign, Symbol.for('nestjs-zumrails-auth/error'), { value: true });
    expect(foreign).toBeInstanceOf(ZumRailsError);
    expect(foreign).not.toBeInstanceOf(ZumRailsConfigError);
    expect(new ZumRailsConfigError('username', 'is missing')).toBeInstanceOf(ZumRailsError);
    expect(ZumRailsError[Symbol.hasInstance](null)).toBe(false);
  });

  it('refuses each webhook with the status of its code in the table', () => {
    const codes = Object.keys(ZUMRAILS_ERROR_CODES).filter((code) => code.startsWith('webhook-'));
    for (const code of [...codes, 'config'] as ConstructorParameters<
      typeof ZumRailsWebhookError
    >[0][]) {
      const refusal = new ZumRailsWebhookError(code);
      expect([code, refusal.getStatus()]).toEqual([code, ZUMRAILS_ERROR_CODES[code].httpStatus]);
      expect(refusal).toBeInstanceOf(ZumRailsError);
    }
  });

  it('keeps the deprecated root name as the same class', () => {
    expect(ZumRailsAuthError).toBe(ZumRailsError);
  });

  it('documents every code once: meaning, what to do, and never 401/403 from the filter', () => {
    for (const [code, info] of Object.entries(ZUMRAILS_ERROR_CODES)) {
      expect(info.meaning.length).toBeGreaterThan(10);
      expect(info.action.length).toBeGreaterThan(5);
      if (!code.startsWith('webhook-')) expect([500, 502, 503]).toContain(info.httpStatus);
    }
  });
});

describe('one reading of an answer: the same answer means the same code at login and on a call', () => {
  const fixture = useFakeZumRails({}, { revokeOnShutdown: false, apiRetry: false });

  it.each<[string, ZumRailsFault, ZumRailsErrorCode, ZumRailsErrorCode]>([
    ['an HTML 503 of the edge', { kind: 'html', status: 503 }, 'unavailable', 'unavailable'],
    ['an empty 502', { kind: 'empty', status: 502 }, 'unavailable', 'unavailable'],
    [
      'an HTML 403 of a WAF',
      { kind: 'html', status: 403 },
      'blocked-by-intermediary',
      'blocked-by-intermediary',
    ],
    ['a 429', { kind: 'rate-limited', retryAfterSeconds: 7 }, 'rate-limited', 'rate-limited'],
    ['an HTML 404', { kind: 'html', status: 404 }, 'bad-response', 'bad-response'],
    // Only a login can reject credentials: the same 401 envelope on a call is the call's refusal.
    ['a 401 envelope', { kind: 'status', status: 401 }, 'credentials-rejected', 'api-error'],
  ])('%s', async (_name, fault, atLogin, onCall) => {
    const loginSide = await fixture.start();
    fixture.fake.failLogin(fault);
    expect(handled(await rejectionOf(loginSide.tokens.refresh()))).toBe(atLogin);
    const callSide = await fixture.start();
    await callSide.tokens.getToken();
    fixture.fake.failApi(fault, Infinity);
    const call = await rejectionOf(callSide.app.get(ZumRailsClient).get('/api/wallet'));
    expect(handled(call)).toBe(onCall);
  });
});

describe('verdictOf', () => {
  it('reads an answer once, however many steps ask (envelope check, client, retry, error)', () => {
    let reads = 0;
    const response = {
      status: 200,
      headers: {},
      config: {},
      get data() {
        reads++;
        return { statusCode: 200, isError: false, result: [] };
      },
    } as unknown as AxiosResponse;
    expect(verdictOf(response)).toBe(verdictOf(response));
    expect(verdictOf(response).kind).toBe('success');
    expect(reads).toBe(1);
  });
});
