import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import axios from 'axios';
import { firstValueFrom } from 'rxjs';
import { attachZumRailsAuth, ZumRailsCrossOriginError } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { startRecordingServer, type RecordingServer } from '../support/recording-server.js';
import {
  bearerOf,
  expectNoSecrets,
  rejectionOf,
  secretsOf,
} from '../support/zumrails-assertions.js';

const fixture = useFakeZumRails({}, { revokeOnShutdown: false });
let other: RecordingServer;

beforeEach(async () => {
  other = await startRecordingServer();
});
afterEach(async () => {
  await other.stop();
});

describe('the bearer goes to the configured origin only', () => {
  it.each<[string, (fakeUrl: string, otherUrl: string) => string, string]>([
    ['another port', (_f, o) => `${o}/collect`, 'other'],
    ['a protocol-relative URL', (_f, o) => `${o.replace('http:', '')}/collect`, 'invalid'],
    [
      'the same port under another host name',
      (f) => `${f.replace('127.0.0.1', 'localhost')}/api/wallet`,
      'localhost',
    ],
    [
      'https on the same host and port',
      (f) => `${f.replace('http:', 'https:')}/api/wallet`,
      'https',
    ],
  ])('refuses %s before anything is sent', async (_name, target, shown) => {
    const subject = await fixture.start();
    const url = target(fixture.fake.url, other.url);
    const error = await rejectionOf(firstValueFrom(subject.http.get(url)));
    expect(error).toBeInstanceOf(ZumRailsCrossOriginError);
    expect(error).toMatchObject({
      code: 'cross-origin',
      reason: 'request',
      method: 'GET',
      allowedOrigin: fixture.fake.url,
    });
    const origin = (error as ZumRailsCrossOriginError).origin;
    if (shown === 'other') expect(origin).toBe(other.url);
    if (shown === 'invalid') expect(origin).toBe('an invalid or non-http URL');
    if (shown !== 'other' && shown !== 'invalid') expect(origin).toContain(shown);
    expect(other.requests).toHaveLength(0);
    expect(fixture.fake.counters).toMatchObject({ logins: 0, apiCalls: 0 });
    await expectNoSecrets([fixture.fake.password], { errors: [error], app: subject });
  });

  it('sends it to the configured origin, by path or by absolute URL', async () => {
    const subject = await fixture.start();
    await firstValueFrom(subject.http.get('/api/wallet'));
    await firstValueFrom(subject.http.get(`${fixture.fake.url}/api/wallet`));
    const tokens = fixture.fake.requests.filter((r) => r.path === '/api/wallet').map(bearerOf);
    expect(tokens).toEqual([fixture.fake.issuedTokens()[0], fixture.fake.issuedTokens()[0]]);
  });

  it('lets a request that opts out go elsewhere, without it', async () => {
    const subject = await fixture.start();
    await subject.tokens.getToken();
    await firstValueFrom(subject.http.get(`${other.url}/collect`, { zumRailsAuth: false }));
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('follows a GET redirect to another origin without the bearer', async () => {
    const subject = await fixture.start();
    fixture.fake.failApi({
      kind: 'status',
      status: 302,
      headers: { location: `${other.url}/landing` },
    });
    const answer = await firstValueFrom(subject.http.get('/api/wallet'));
    expect(answer.data).toEqual({ ok: true });
    expect(bearerOf(fixture.fake.lastRequest('/api/wallet'))).toBe(fixture.fake.issuedTokens()[0]);
    expect(other.requests).toMatchObject([{ method: 'GET', url: '/landing' }]);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    await expectNoSecrets(secretsOf(fixture.fake), {
      app: subject,
      values: { seen: other.requests },
    });
  });
});

describe('attachZumRailsAuth on an app-owned instance', () => {
  it('refuses other origins with the ZumRailsTokenService origin, whatever the instance baseURL', async () => {
    const subject = await fixture.start();
    const instance = axios.create({ baseURL: other.url });
    attachZumRailsAuth(instance, subject.tokens);
    const error = await rejectionOf(instance.get('/collect'));
    expect(error).toBeInstanceOf(ZumRailsCrossOriginError);
    expect(other.requests).toHaveLength(0);
    await instance.get(`${fixture.fake.url}/api/wallet`);
    expect(bearerOf(fixture.fake.lastRequest('/api/wallet'))).toBe(fixture.fake.issuedTokens()[0]);
  });

  it('takes the origin from { baseUrl } or the instance for other token sources', async () => {
    const source = { getToken: async () => 'custom-token', invalidate: () => false };
    const byOption = axios.create();
    attachZumRailsAuth(byOption, source, { baseUrl: other.url });
    await byOption.get(`${other.url}/a`);
    const byInstance = axios.create({ baseURL: other.url });
    attachZumRailsAuth(byInstance, source);
    await byInstance.get('/b');
    expect(other.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/a', 'Bearer custom-token'],
      ['/b', 'Bearer custom-token'],
    ]);
    await expect(
      rejectionOf(byInstance.get(`${fixture.fake.url}/api/wallet`)),
    ).resolves.toBeInstanceOf(ZumRailsCrossOriginError);
    expect(() => attachZumRailsAuth(axios.create(), source)).toThrow(/needs the Zum Rails origin/);
  });
});
