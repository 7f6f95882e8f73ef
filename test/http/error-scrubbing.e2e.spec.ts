import { beforeEach, describe, expect, it } from '@jest/globals';
import axios, { isAxiosError, isCancel, type AxiosError } from 'axios';
import { inspect } from 'node:util';
import { firstValueFrom } from 'rxjs';
import {
  ZumRailsApiError,
  ZumRailsAuthError,
  ZumRailsCredentialsRejectedError,
  ZumRailsError,
  ZumRailsHttpError,
} from '../../lib/index.js';
import { type ZumRailsFault } from '../../lib/testing/index.js';
import { expectNoSecrets, rejectionOf, secretsOf } from '../support/zumrails-assertions.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import type { AuthApp } from '../support/auth-app.js';

// Retries are off: each fault is seen once (test/http/api-retry.e2e.spec.ts covers retries).
const fixture = useFakeZumRails({}, { revokeOnShutdown: false, apiRetry: false });
let subject: AuthApp;

beforeEach(async () => {
  subject = await fixture.start();
});

/** The shared scan: the error's every rendering, status, events and logs, every secret. */
async function expectNoSecret(error: unknown): Promise<void> {
  expect(secretsOf(fixture.fake)).toContain(fixture.fake.password);
  await expectNoSecrets(secretsOf(fixture.fake), { errors: [error], app: subject });
}

/** A token exists before the failing call, so both a bearer and a password are in play. */
async function failingCall(fault: ZumRailsFault, timeout?: number): Promise<ZumRailsHttpError> {
  await firstValueFrom(subject.http.get('/api/wallet'));
  fixture.fake.failApi(fault, Infinity);
  const error = await rejectionOf(
    firstValueFrom(subject.http.post('/api/transaction', { Amount: 1 }, { timeout })),
  );
  expect(error).toBeInstanceOf(ZumRailsHttpError);
  return error as ZumRailsHttpError;
}

/** The scrubbed AxiosError an HTTP error keeps as its non-enumerable `cause`. */
function causeOf(error: ZumRailsHttpError): AxiosError {
  expect(isAxiosError(error.cause)).toBe(true);
  return error.cause as AxiosError;
}

describe('errors leaving ZumRailsHttpService', () => {
  it.each<[string, ZumRailsFault, number | undefined]>([
    ['a persistent 401', { kind: 'status', status: 401 }, undefined],
    ['a 500', { kind: 'status', status: 500 }, undefined],
    ['an HTML 502 from the proxy', { kind: 'html', status: 502 }, undefined],
    ['a timeout', { kind: 'hang' }, 200],
    ['a connection reset', { kind: 'reset' }, undefined],
  ])('carry no bearer token and no password for %s', async (_name, fault, timeout) => {
    const error = await failingCall(fault, timeout);
    await expectNoSecret(error);
    expect(isAxiosError(error)).toBe(false);
    expect(Object.keys(error)).not.toContain('cause');
    expect(Object.getOwnPropertyDescriptor(error, 'cause')?.enumerable).toBe(false);
    const cause = causeOf(error);
    expect(cause.request).toBeUndefined();
    expect(cause.cause).toBeUndefined();
    expect(cause.config?.headers.has('Authorization')).toBe(false);
    expect(cause.response?.config.headers.has('Authorization') ?? false).toBe(false);
    expect(cause.config?.data).toBeUndefined();
  });

  it('keep status, method, URL and the Zum Rails envelope of a 401 (string exceptionMessage)', async () => {
    const error = await failingCall({ kind: 'status', status: 401 });
    expect(error).toBeInstanceOf(ZumRailsApiError);
    expect(error).toBeInstanceOf(ZumRailsError);
    expect(error).toMatchObject({
      name: 'ZumRailsApiError',
      message:
        'Zum Rails 401 on POST /api/transaction: Unauthorized: your API key is wrong or your token has expired',
      status: 401,
      statusCode: 401,
      code: 'api-error',
      method: 'POST',
      path: '/api/transaction',
      origin: fixture.fake.url,
      vendorMessage: 'Unauthorized: your API key is wrong or your token has expired',
    });
    const cause = causeOf(error);
    expect(cause.code).toBe('ERR_BAD_REQUEST');
    expect(cause.response?.status).toBe(401);
    expect(cause.response?.data).toMatchObject({ statusCode: 401, isError: true });
    expect(cause.config?.headers.get('idempotency-key')).toEqual(expect.any(String));
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'ZumRailsApiError',
      code: 'api-error',
      message: error.message,
      status: 401,
      statusCode: 401,
      vendorMessage: error.vendorMessage,
      method: 'POST',
      path: '/api/transaction',
      origin: fixture.fake.url,
    });
  });

  it('keep the title of an object exceptionMessage of a 500 as vendorMessage, the object in the cause', async () => {
    const error = await failingCall({ kind: 'status', status: 500 });
    expect(error).toMatchObject({ status: 500, code: 'api-error' });
    expect(error.vendorMessage).toBe('Internal Server Error');
    expect(causeOf(error).response?.data).toMatchObject({
      responseException: { exceptionMessage: { title: 'Internal Server Error', status: 500 } },
    });
  });

  it("report a timeout as unavailable, axios' code in the cause, no status", async () => {
    const error = await failingCall({ kind: 'hang' }, 200);
    expect(error.code).toBe('unavailable');
    expect(causeOf(error).code).toBe('ECONNABORTED');
    expect(error.status).toBeUndefined();
    expect(causeOf(error).response).toBeUndefined();
    expect(error.message).toMatch(/timeout/);
  });

  it('report a reset connection as unavailable, its network code in the cause', async () => {
    const error = await failingCall({ kind: 'reset' });
    expect(error.code).toBe('unavailable');
    expect(causeOf(error).code).toBe('ECONNRESET');
    expect(causeOf(error).response).toBeUndefined();
  });

  it('stay recognisable as cancellations for axios.isCancel', async () => {
    await firstValueFrom(subject.http.get('/api/wallet'));
    fixture.fake.failApi({ kind: 'hang' });
    const controller = new AbortController();
    const pending = subject.http.axiosRef.get('/api/wallet', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await rejectionOf(pending);
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).toMatchObject({ code: 'cancelled' });
    expect(isCancel(error)).toBe(true);
    await expectNoSecret(error);
  });

  it('pass a failed login through unchanged as a ZumRailsAuthError', async () => {
    fixture.fake.failLogin({ kind: 'status', status: 401 });
    const error = await rejectionOf(firstValueFrom(subject.http.get('/api/wallet')));
    expect(error).toBeInstanceOf(ZumRailsCredentialsRejectedError);
    expect(error).toBeInstanceOf(ZumRailsAuthError);
    expect(fixture.fake.counters.apiCalls).toBe(0);
    await expectNoSecret(error);
  });

  it('are also scrubbed for requests that opt out of auth', async () => {
    await firstValueFrom(subject.http.get('/api/wallet'));
    const token = fixture.fake.issuedTokens()[0] as string;
    const error = await rejectionOf(
      subject.http.axiosRef.get('/api/nope', {
        zumRailsAuth: false,
        headers: { Authorization: `Bearer ${token}` },
        timeout: 200,
        baseURL: 'http://127.0.0.1:1',
      }),
    );
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    await expectNoSecret(error);
  });

  it('would have leaked without scrubbing (the check itself works)', async () => {
    await firstValueFrom(subject.http.get('/api/wallet'));
    const token = fixture.fake.issuedTokens()[0] as string;
    const raw = await rejectionOf(
      axios.get(`${fixture.fake.url}/api/wallet`, {
        headers: { Authorization: `Bearer ${token}-revoked` },
      }),
    );
    expect(inspect(raw, { depth: 10 })).toContain(token);
  });
});
