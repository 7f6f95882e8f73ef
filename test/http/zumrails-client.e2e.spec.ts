import { beforeEach, describe, expect, it } from '@jest/globals';
import axios from 'axios';
import {
  attachZumRailsAuth,
  ZumRailsApiError,
  ZumRailsClient,
  ZumRailsCredentialsRejectedError,
  type ZumRailsPage,
  type ZumRailsWallet,
} from '../../lib/index.js';
import { apiRequests, bearerOf, rejectionOf } from '../support/zumrails-assertions.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import type { AuthApp } from '../support/auth-app.js';

const fixture = useFakeZumRails({}, { revokeOnShutdown: false });
let subject: AuthApp;
let client: ZumRailsClient;

beforeEach(async () => {
  subject = await fixture.start();
  client = subject.app.get(ZumRailsClient);
});

interface Transaction {
  Id: string;
  Amount: number;
  TransactionStatus: string;
}

describe('ZumRailsClient', () => {
  it('resolves the result of GET /api/wallet, typed, with a bearer the fake issued', async () => {
    const wallets: ZumRailsWallet[] = await client.get<ZumRailsWallet[]>('/api/wallet');
    expect(wallets.map((w) => [w.Type, w.Currency])).toEqual([
      ['Operational', 'CAD'],
      ['Operational', 'CAD'],
    ]);
    expect(fixture.fake.issuedTokens()).toContain(bearerOf(fixture.fake.lastRequest()));
  });

  it('resolves a page of POST /api/user/filter', async () => {
    const page = await client.post<ZumRailsPage<{ FirstName: string }>>('/api/user/filter', {
      Pagination: { PageNumber: 1 },
    });
    expect(page).toMatchObject({ CurrentPage: 1, TotalCount: 3 });
    expect(page.Items.map((user) => user.FirstName)).toEqual(['Ada', 'Alan', 'Grace']);
  });

  it('creates a transaction with an idempotency key and reads it back', async () => {
    const created = await client.post<Transaction>('/api/transaction', { Amount: 10 });
    expect(created).toMatchObject({ Amount: 10, TransactionStatus: 'InProgress' });
    expect(fixture.fake.lastRequest('/api/transaction')?.headers['idempotency-key']).toEqual(
      expect.any(String),
    );
    const read = await client.get<Transaction>(`/api/transaction/${created.Id}`);
    expect(read).toEqual(created);
  });

  it('rejects an unknown transaction with the vendor 404 as a ZumRailsApiError', async () => {
    const error = (await rejectionOf(client.get('/api/transaction/nope'))) as ZumRailsApiError;
    expect(error).toBeInstanceOf(ZumRailsApiError);
    expect(error.message).toBe('Zum Rails 404 on GET /api/transaction/nope: Transaction not found');
  });

  it('sends put, patch, delete and request with their verbs and bodies', async () => {
    await client.put('/api/user/1', { a: 1 });
    await client.patch('/api/user/1', { b: 2 });
    await client.delete('/api/user/1');
    const echoed = await client.request<{ method: string }>({
      method: 'put',
      url: '/api/user/2',
      data: {},
    });
    expect(echoed.method).toBe('PUT');
    expect(apiRequests(fixture.fake).map((r) => [r.method, r.body])).toEqual([
      ['PUT', { a: 1 }],
      ['PATCH', { b: 2 }],
      ['DELETE', undefined],
      ['PUT', {}],
    ]);
  });

  it('uses the axios instance of ZumRailsHttpService', async () => {
    expect((client as unknown as { axios: unknown }).axios).toBe(subject.http.axiosRef);
  });

  it('recovers from a 401 like the Observable service: one login, one retry', async () => {
    await client.get('/api/wallet');
    fixture.fake.revokeAllTokens();
    await expect(client.get('/api/wallet')).resolves.toHaveLength(2);
    expect(fixture.fake.counters.logins).toBe(2);
  });

  it('passes a failed login through as the ZumRailsAuthError', async () => {
    fixture.fake.failLogin({ kind: 'status', status: 401 });
    expect(await rejectionOf(client.get('/api/wallet'))).toBeInstanceOf(
      ZumRailsCredentialsRejectedError,
    );
  });

  it('works on an instance of the app with attachZumRailsAuth', async () => {
    const instance = axios.create({ baseURL: fixture.fake.url, timeout: 2_000 });
    const detach = attachZumRailsAuth(instance, subject.tokens);
    try {
      await expect(new ZumRailsClient(instance).get('/api/wallet')).resolves.toHaveLength(2);
    } finally {
      detach();
    }
  });
});
