import { beforeEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { apiRequests, bearerOf } from '../support/zumrails-assertions.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import type { AuthApp } from '../support/auth-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PAYMENT = { Amount: 12.5, Memo: 'invoice 42' };

const fixture = useFakeZumRails({}, { revokeOnShutdown: false });
let subject: AuthApp;

beforeEach(async () => {
  subject = await fixture.start();
});

describe('idempotency-key on POST', () => {
  it('adds a UUID idempotency-key to a POST', async () => {
    await firstValueFrom(subject.http.post('/api/transaction', PAYMENT));
    expect(fixture.fake.lastRequest('/api/transaction')?.headers['idempotency-key']).toMatch(UUID);
  });

  it('gives each POST its own key', async () => {
    await firstValueFrom(subject.http.post('/api/transaction', PAYMENT));
    await firstValueFrom(subject.http.post('/api/transaction', PAYMENT));
    const [first, second] = apiRequests(fixture.fake).map((r) => r.headers['idempotency-key']);
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(first).not.toBe(second);
  });

  it('adds no key to GET, PUT, PATCH or DELETE', async () => {
    await firstValueFrom(subject.http.get('/api/wallet'));
    await firstValueFrom(subject.http.put('/api/user/1', {}));
    await firstValueFrom(subject.http.patch('/api/user/1', {}));
    await firstValueFrom(subject.http.delete('/api/user/1'));
    expect(apiRequests(fixture.fake).map((r) => r.headers['idempotency-key'])).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('keeps a key the caller set, whatever its case', async () => {
    const config = { headers: { 'Idempotency-Key': 'caller-key-1' } };
    await firstValueFrom(subject.http.post('/api/transaction', PAYMENT, config));
    expect(fixture.fake.lastRequest('/api/transaction')?.headers['idempotency-key']).toBe(
      'caller-key-1',
    );
  });

  it('reuses the same key and body on the retry after a 401', async () => {
    await firstValueFrom(subject.http.get('/api/wallet'));
    const revoked = fixture.fake.issuedTokens()[0] as string;
    fixture.fake.revokeToken(revoked);
    fixture.fake.reset();
    const response = await firstValueFrom(subject.http.post('/api/transaction', PAYMENT));
    expect(response.status).toBe(200);
    const [rejected, retried] = apiRequests(fixture.fake);
    expect(bearerOf(rejected)).toBe(revoked);
    expect(bearerOf(retried)).not.toBe(revoked);
    expect(rejected?.headers['idempotency-key']).toMatch(UUID);
    expect(retried?.headers['idempotency-key']).toBe(rejected?.headers['idempotency-key']);
    expect(retried?.body).toEqual(PAYMENT);
  });

  it('reuses a caller-set key on the retry after a 401', async () => {
    await firstValueFrom(subject.http.get('/api/wallet'));
    fixture.fake.revokeAllTokens();
    fixture.fake.reset();
    const config = { headers: { 'idempotency-key': 'caller-key-2' } };
    await firstValueFrom(subject.http.post('/api/transaction', PAYMENT, config));
    expect(apiRequests(fixture.fake).map((r) => r.headers['idempotency-key'])).toEqual([
      'caller-key-2',
      'caller-key-2',
    ]);
  });

  it('adds no key when the request opts out with zumRailsAuth: false', async () => {
    await firstValueFrom(
      subject.http.post('/api/transaction', PAYMENT, {
        zumRailsAuth: false,
        validateStatus: () => true,
      }),
    );
    expect(
      fixture.fake.lastRequest('/api/transaction')?.headers['idempotency-key'],
    ).toBeUndefined();
  });
});
