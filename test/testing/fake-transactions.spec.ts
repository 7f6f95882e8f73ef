import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeZumRails } from '../../lib/testing/index.js';

let fake: FakeZumRails;
let bearer: string;

beforeEach(async () => {
  fake = await FakeZumRails.start();
  const login = await fetch(`${fake.url}/api/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Username: fake.username, Password: fake.password }),
  });
  bearer = ((await login.json()) as { result: { Token: string } }).result.Token;
});

afterEach(async () => {
  await fake.stop();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  key?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${bearer}`,
  };
  if (key !== undefined) headers['idempotency-key'] = key;
  const body_ = body === undefined ? undefined : JSON.stringify(body);
  const res = await fetch(`${fake.url}${path}`, { method, headers, body: body_ });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const PAYMENT = { Amount: 12.5, Memo: 'invoice 42' };

describe('FakeZumRails transactions', () => {
  it('creates a transaction and serves it at GET /api/transaction/{id}', async () => {
    const created = await call('POST', '/api/transaction', PAYMENT, 'key-1');
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ isError: false, statusCode: 200 });
    const transaction = created.json.result as { Id: string };
    expect(transaction).toMatchObject({ ...PAYMENT, TransactionStatus: 'InProgress' });
    const read = await call('GET', `/api/transaction/${transaction.Id}`);
    expect(read.json).toMatchObject({ isError: false, result: transaction });
    expect(fake.transactions()).toEqual([transaction]);
    expect(fake.counters).toMatchObject({ transactionsCreated: 1, idempotentReplays: 0 });
  });

  it('answers a repeat with the same idempotency-key with the first result, executing nothing', async () => {
    const first = await call('POST', '/api/transaction', PAYMENT, 'key-2');
    const again = await call('POST', '/api/transaction', { ...PAYMENT, Amount: 99 }, 'key-2');
    expect(again).toEqual(first);
    expect(fake.transactions()).toHaveLength(1);
    expect(fake.counters).toMatchObject({ transactionsCreated: 1, idempotentReplays: 1 });
  });

  it('executes POSTs with different keys or no key each time', async () => {
    await call('POST', '/api/transaction', PAYMENT, 'key-3');
    await call('POST', '/api/transaction', PAYMENT, 'key-4');
    await call('POST', '/api/transaction', PAYMENT);
    await call('POST', '/api/transaction', PAYMENT);
    expect(fake.counters).toMatchObject({ transactionsCreated: 4, idempotentReplays: 0 });
  });

  it('refuses a key longer than 36 characters and an unknown transaction id', async () => {
    const long = await call('POST', '/api/transaction', PAYMENT, 'k'.repeat(37));
    expect(long).toMatchObject({ status: 400, json: { isError: true } });
    const missing = await call('GET', '/api/transaction/no-such-id');
    expect(missing).toMatchObject({
      status: 404,
      json: { isError: true, message: 'Transaction not found' },
    });
    expect(fake.counters.transactionsCreated).toBe(0);
  });

  it('answers isError: true with HTTP 200 on any path with the is-error-200 fault', async () => {
    fake.failApi({ kind: 'is-error-200', message: 'Insufficient funds' }, 2);
    const payment = await call('POST', '/api/transaction', PAYMENT, 'key-5');
    const wallet = await call('GET', '/api/wallet');
    for (const answer of [payment, wallet]) {
      expect(answer).toMatchObject({
        status: 200,
        json: { isError: true, statusCode: 400, message: 'Insufficient funds', result: null },
      });
    }
    fake.failApi({ kind: 'is-error-200', statusCode: 402 });
    expect((await call('GET', '/api/wallet')).json.statusCode).toBe(402);
    expect(fake.counters.transactionsCreated).toBe(0);
    expect(() => fake.failApi({ kind: 'is-error-200', statusCode: 42 })).toThrow(RangeError);
  });
});
