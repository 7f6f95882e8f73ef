import { describe, expect, it } from '@jest/globals';
import { HttpModule, HttpService } from '@nestjs/axios';
import axios, { type AxiosInstance } from 'axios';
import { firstValueFrom } from 'rxjs';
import { attachZumRailsAuth, ZumRailsHttpError, ZumRailsHttpService } from '../../lib/index.js';
import { bearerOf, rejectionOf } from '../support/zumrails-assertions.js';
import { useFakeZumRails } from '../support/fake-fixture.js';

const fixture = useFakeZumRails({}, { revokeOnShutdown: false });

/** Interceptors currently installed (ejected slots are null). */
function interceptorCount(instance: AxiosInstance): number {
  const { request, response } = instance.interceptors as unknown as Record<
    'request' | 'response',
    { handlers: unknown[] }
  >;
  return [...request.handlers, ...response.handlers].filter((h) => h !== null).length;
}

describe("the app's own HttpModule", () => {
  it.each([
    ['HttpModule', HttpModule],
    ['HttpModule.register()', HttpModule.register({ timeout: 2_000 })],
  ])('%s client sends no Authorization and has no interceptors', async (_name, imported) => {
    const subject = await fixture.start({}, [imported]);
    const own = subject.app.get(HttpService);
    const zumRails = subject.app.get(ZumRailsHttpService);
    await firstValueFrom(zumRails.get('/api/wallet'));
    expect(own).not.toBe(zumRails);
    expect(own.axiosRef).not.toBe(zumRails.axiosRef);
    expect(interceptorCount(own.axiosRef)).toBe(0);
    expect(interceptorCount(axios)).toBe(0);
    // The pipeline's one interceptor pair (request-pipeline.ts).
    expect(interceptorCount(zumRails.axiosRef)).toBe(2);

    const answer = await firstValueFrom(
      own.post(`${fixture.fake.url}/api/transaction`, {}, { validateStatus: () => true }),
    );
    expect(answer.status).toBe(401);
    const recorded = fixture.fake.lastRequest('/api/transaction');
    expect(recorded?.headers.authorization).toBeUndefined();
    expect(recorded?.headers['idempotency-key']).toBeUndefined();
    expect(fixture.fake.counters.logins).toBe(1);
  });
});

describe('attachZumRailsAuth on an app-owned axios instance', () => {
  it('attaches the bearer and the 401 recovery, and detaches both', async () => {
    const subject = await fixture.start();
    const instance = axios.create({ baseURL: fixture.fake.url, validateStatus: (s) => s < 300 });
    const detach = attachZumRailsAuth(instance, subject.tokens);
    expect(interceptorCount(instance)).toBe(2);

    await instance.get('/api/wallet');
    const first = bearerOf(fixture.fake.lastRequest('/api/wallet'));
    expect(first).toBe(fixture.fake.issuedTokens()[0]);
    fixture.fake.revokeToken(first as string);
    const recovered = await instance.get('/api/wallet');
    expect(recovered.status).toBe(200);
    expect(fixture.fake.counters.logins).toBe(2);

    detach();
    detach();
    expect(interceptorCount(instance)).toBe(0);
    fixture.fake.reset();
    const error = await rejectionOf(instance.get('/api/wallet'));
    expect(error).not.toBeInstanceOf(ZumRailsHttpError);
    expect(fixture.fake.lastRequest('/api/wallet')?.headers.authorization).toBeUndefined();
    expect(fixture.fake.counters).toMatchObject({ apiCalls: 1, logins: 0 });
  });

  it('works with any token source: invalidates the token that got 401, retries once', async () => {
    const invalidated: string[] = [];
    const instance = axios.create({ baseURL: fixture.fake.url });
    const detach = attachZumRailsAuth(instance, {
      getToken: async () => 'not-a-zumrails-token',
      invalidate: (token) => invalidated.push(token) > 0,
    });
    const error = await rejectionOf(instance.get('/api/wallet'));
    expect((error as ZumRailsHttpError).status).toBe(401);
    expect(bearerOf(fixture.fake.lastRequest('/api/wallet'))).toBe('not-a-zumrails-token');
    expect(invalidated).toEqual(['not-a-zumrails-token']);
    expect(fixture.fake.counters.apiCalls).toBe(2);
    detach();
  });
});
