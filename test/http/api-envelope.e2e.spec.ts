import { beforeEach, describe, expect, it } from '@jest/globals';
import { isAxiosError, type AxiosError } from 'axios';
import { inspect } from 'node:util';
import { firstValueFrom } from 'rxjs';
import {
  ZumRailsApiError,
  ZumRailsClient,
  ZumRailsError,
  ZumRailsHttpError,
} from '../../lib/index.js';
import { rejectionOf, secretsOf } from '../support/zumrails-assertions.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import type { AuthApp } from '../support/auth-app.js';

const fixture = useFakeZumRails({}, { revokeOnShutdown: false });
const PAYMENT = { Amount: 12.5 };
let subject: AuthApp;
let client: ZumRailsClient;

beforeEach(async () => {
  subject = await fixture.start();
  client = subject.app.get(ZumRailsClient);
});

/** The same POST through the Observable service and through the client. */
const callers: [string, () => Promise<unknown>][] = [
  ['ZumRailsHttpService', () => firstValueFrom(subject.http.post('/api/transaction', PAYMENT))],
  ['ZumRailsClient', () => client.post('/api/transaction', PAYMENT)],
];

function expectNoSecret(error: unknown): void {
  const text = [JSON.stringify(error), inspect(error, { depth: 10 }), String(error)].join('\n');
  for (const secret of secretsOf(fixture.fake)) expect(text).not.toContain(secret);
}

describe.each(callers)('an error envelope through %s', (_name, call) => {
  it('rejects isError: true with HTTP 200 with a ZumRailsApiError carrying the vendor text', async () => {
    fixture.fake.failApi({ kind: 'is-error-200', message: 'Insufficient funds' });
    const error = (await rejectionOf(call())) as ZumRailsApiError;
    expect(error).toBeInstanceOf(ZumRailsApiError);
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).toBeInstanceOf(ZumRailsError);
    expect(isAxiosError(error)).toBe(false);
    expect(error.message).toBe('Zum Rails 400 on POST /api/transaction: Insufficient funds');
    expect(error).toMatchObject({
      status: 200,
      statusCode: 400,
      method: 'POST',
      path: '/api/transaction',
      vendorMessage: 'Insufficient funds',
      code: 'api-error',
    });
    expect(isAxiosError(error.cause)).toBe(true);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ statusCode: 400, status: 200 });
    expect(fixture.fake.counters.transactionsCreated).toBe(0);
    expectNoSecret(error);
  });

  it.each([400, 404, 500])(
    'rejects an error envelope with HTTP %i with the vendor text',
    async (status) => {
      const envelope = {
        statusCode: status,
        message: 'Payee account is closed',
        isError: true,
        result: null,
      };
      // Every time: a 500 is transient, so retried like a 503 (this POST has an idempotency-key).
      fixture.fake.failApi({ kind: 'status', status, body: envelope }, Infinity);
      const error = (await rejectionOf(call())) as ZumRailsApiError;
      expect(error).toBeInstanceOf(ZumRailsApiError);
      expect(error.message).toBe(
        `Zum Rails ${status} on POST /api/transaction: Payee account is closed`,
      );
      expect(error).toMatchObject({ status, statusCode: status });
      expectNoSecret(error);
    },
  );

  it('reads detail and traceId of an RFC 7807-like exceptionMessage', async () => {
    const exceptionMessage = {
      title: 'Bad Request',
      detail: 'Amount must be positive',
      traceId: '00-abc-01',
    };
    const body = {
      statusCode: 400,
      message: 'Bad Request',
      isError: true,
      result: null,
      responseException: { exceptionMessage },
    };
    fixture.fake.failApi({ kind: 'status', status: 400, body });
    const error = (await rejectionOf(call())) as ZumRailsApiError;
    expect(error.message).toBe(
      'Zum Rails 400 on POST /api/transaction: Bad Request: Amount must be positive',
    );
    expect(error.traceId).toBe('00-abc-01');
    expect((error.cause as AxiosError).response?.data).toMatchObject({
      responseException: { exceptionMessage },
    });
  });

  it('cuts a huge vendor text short', async () => {
    fixture.fake.failApi({ kind: 'is-error-200', message: 'x'.repeat(100_000) });
    const error = (await rejectionOf(call())) as ZumRailsApiError;
    expect(error.message.length).toBeLessThan(400);
  });

  it('keeps a bearer and the password echoed in the vendor text out of the error', async () => {
    await call();
    const token = fixture.fake.issuedTokens()[0] as string;
    const password = fixture.fake.password;
    const message = `token ${token} or ${password} is not allowed`;
    fixture.fake.failApi({ kind: 'is-error-200', message });
    const error = (await rejectionOf(call())) as ZumRailsApiError;
    expect(error.message).toContain('token [REDACTED] or [REDACTED] is not allowed');
    expect(error.vendorMessage).toBe('token [REDACTED] or [REDACTED] is not allowed');
    expectNoSecret(error);
  });

  it('keeps an HTML 502 from a proxy a plain ZumRailsHttpError', async () => {
    fixture.fake.failApi({ kind: 'html', status: 502 }, Infinity);
    const error = await rejectionOf(call());
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).not.toBeInstanceOf(ZumRailsApiError);
    expect(error).toMatchObject({ code: 'unavailable', status: 502 });
  });
});

describe('zumRailsEnvelope: false', () => {
  it('hands an isError answer over raw to the Observable service', async () => {
    fixture.fake.failApi({ kind: 'is-error-200', message: 'Insufficient funds' });
    const response = await firstValueFrom(
      subject.http.post('/api/transaction', PAYMENT, { zumRailsEnvelope: false }),
    );
    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ isError: true, message: 'Insufficient funds' });
  });

  it('makes the client resolve the whole body', async () => {
    fixture.fake.failApi({ kind: 'is-error-200', message: 'Insufficient funds' });
    const body = await client.get('/api/wallet', { zumRailsEnvelope: false });
    expect(body).toMatchObject({ isError: true, statusCode: 400, result: null });
    const ok = await client.get('/api/wallet', { zumRailsEnvelope: false });
    expect(ok).toMatchObject({ isError: false, result: expect.any(Array) });
  });

  it('makes an error answer a plain ZumRailsHttpError', async () => {
    fixture.fake.failApi({ kind: 'status', status: 400 });
    const error = await rejectionOf(client.get('/api/wallet', { zumRailsEnvelope: false }));
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).not.toBeInstanceOf(ZumRailsApiError);
    expect(error).toMatchObject({ code: 'api-error', status: 400 });
  });
});

describe('2xx bodies that are not envelopes', () => {
  it('reach the Observable service as they are, but the client rejects them as bad-response', async () => {
    fixture.fake.failApi({ kind: 'empty', status: 200 }, 2);
    const response = await firstValueFrom(subject.http.get('/api/wallet'));
    expect(response.data).toBe('');
    const error = (await rejectionOf(client.get('/api/wallet'))) as ZumRailsHttpError;
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).not.toBeInstanceOf(ZumRailsApiError);
    expect(error).toMatchObject({ code: 'bad-response', status: 200, path: '/api/wallet' });
    expect(error.message).toBe(
      'Zum Rails 200 on GET /api/wallet: the answer is not a Zum Rails envelope',
    );
  });

  it('an isError that is not false is an error for both', async () => {
    const body = { statusCode: 200, isError: null, result: [] };
    fixture.fake.failApi({ kind: 'status', status: 200, body }, 2);
    expect(await rejectionOf(firstValueFrom(subject.http.get('/api/wallet')))).toBeInstanceOf(
      ZumRailsApiError,
    );
    const error = (await rejectionOf(client.get('/api/wallet'))) as ZumRailsApiError;
    expect(error.message).toMatch(/does not say isError: false/);
  });

  it('JSON without isError is no envelope: the service passes it, the client rejects it', async () => {
    fixture.fake.failApi({ kind: 'status', status: 200, body: { ok: true } }, 2);
    expect((await firstValueFrom(subject.http.get('/api/wallet'))).data).toEqual({ ok: true });
    const error = (await rejectionOf(client.get('/api/wallet'))) as ZumRailsApiError;
    expect(error.message).toMatch(/not a Zum Rails envelope/);
  });
});
