import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { ZumRailsCrossOriginError } from '../../lib/index.js';
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

const PAYMENT = { Amount: 125.5, AccountNumber: '000123456789' };

describe('a redirect of a non-GET request to another origin', () => {
  it.each<[string, number]>([
    ['post', 307],
    ['post', 308],
    ['post', 303],
    ['post', 302],
    ['put', 307],
    ['patch', 308],
    ['delete', 307],
  ])('%s answered %i is refused: no body, no idempotency-key elsewhere', async (method, status) => {
    const subject = await fixture.start();
    fixture.fake.failApi({ kind: 'status', status, headers: { location: `${other.url}/steal` } });
    const error = await rejectionOf(
      firstValueFrom(subject.http.request({ method, url: '/api/transaction', data: PAYMENT })),
    );
    expect(error).toBeInstanceOf(ZumRailsCrossOriginError);
    expect(error).toMatchObject({
      reason: 'redirect',
      method: method.toUpperCase(),
      origin: other.url,
      allowedOrigin: fixture.fake.url,
    });
    expect((error as Error).message).toMatch(/never re-sent to another origin/);
    expect(other.requests).toHaveLength(0);
    expect(fixture.fake.lastRequest('/api/transaction')?.body).toEqual(PAYMENT);
    await expectNoSecrets(secretsOf(fixture.fake), { errors: [error], app: subject });
  });

  it('is followed when it stays on the configured origin, with the same key and bearer', async () => {
    const subject = await fixture.start();
    const location = `${fixture.fake.url}/api/transaction/retry`;
    fixture.fake.failApi({ kind: 'status', status: 307, headers: { location } });
    await firstValueFrom(subject.http.post('/api/transaction', PAYMENT));
    const [first, second] = fixture.fake.requests.filter(
      (r) => r.method === 'POST' && r.path !== '/api/authorize',
    );
    expect(second).toMatchObject({ path: '/api/transaction/retry', body: PAYMENT });
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
    expect(bearerOf(second)).toBe(fixture.fake.issuedTokens()[0]);
  });

  it('keeps a beforeRedirect of the caller working', async () => {
    const subject = await fixture.start();
    const seen: string[] = [];
    fixture.fake.failApi({ kind: 'status', status: 302, headers: { location: `${other.url}/x` } });
    await firstValueFrom(
      subject.http.get('/api/wallet', {
        beforeRedirect: (options) => void seen.push(String(options.href)),
      }),
    );
    expect(seen).toEqual([`${other.url}/x`]);
  });
});
