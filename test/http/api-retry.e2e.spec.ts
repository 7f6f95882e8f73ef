import { beforeEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { ZumRailsApiError, ZumRailsClient, ZumRailsHttpError } from '../../lib/index.js';
import { apiRequests, rejectionOf, secretsOf } from '../support/zumrails-assertions.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import type { AuthApp } from '../support/auth-app.js';

// Short backoff so the suite stays fast; the defaults are 200 ms / 2 s.
const fixture = useFakeZumRails(
  {},
  { revokeOnShutdown: false, apiRetry: { initialDelayMs: 20, maxDelayMs: 40 } },
);
const PAYMENT = { Amount: 12.5 };
let subject: AuthApp;
let client: ZumRailsClient;

async function start(overrides = {}): Promise<void> {
  subject = await fixture.start(overrides);
  client = subject.app.get(ZumRailsClient);
  await client.get('/api/wallet'); // a token first, so the counts below are API calls only
  fixture.fake.reset();
}

function retryLines(): string[] {
  return subject.logs.lines.filter((l) => /^Retrying/.test(l.message)).map((l) => l.message);
}

describe('safe retries', () => {
  beforeEach(async () => {
    await start();
  });

  it('resolves a GET answered 503 once, then 200, and logs one secret-free line', async () => {
    fixture.fake.failApi({ kind: 'status', status: 503 });
    await expect(client.get('/api/wallet')).resolves.toHaveLength(2);
    expect(fixture.fake.counters.apiCalls).toBe(2);
    const lines = retryLines();
    expect(lines).toEqual([
      expect.stringMatching(
        /^Retrying GET \/api\/wallet in \d+ ms after HTTP 503 \(retry 1 of 2\) ZumRailsAuth$/,
      ),
    ]);
    for (const secret of secretsOf(fixture.fake)) expect(subject.logs.text()).not.toContain(secret);
  });

  it('logs each retry as one structured record through the logger option', async () => {
    const records: unknown[] = [];
    const logger = {
      log: () => {},
      error: () => {},
      warn: (record: unknown) => records.push(record),
    };
    await start({ logger });
    fixture.fake.failApi({ kind: 'status', status: 503 });
    await client.get('/api/wallet');
    expect(records).toEqual([
      expect.objectContaining({
        event: 'api-retry',
        method: 'GET',
        path: '/api/wallet',
        reason: 'HTTP 503',
        retry: 1,
        maxRetries: 2,
      }),
    ]);
  });

  it('retries the Observable service the same way', async () => {
    fixture.fake.failApi({ kind: 'status', status: 504 });
    const response = await firstValueFrom(subject.http.get('/api/wallet'));
    expect(response.status).toBe(200);
    expect(fixture.fake.counters.apiCalls).toBe(2);
  });

  it('retries a POST answered 502 once with the same idempotency key; executed once', async () => {
    fixture.fake.failApi({ kind: 'status', status: 502 });
    const created = await client.post<{ Id: string }>('/api/transaction', PAYMENT);
    const keys = apiRequests(fixture.fake).map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toEqual(expect.any(String));
    expect(keys[1]).toBe(keys[0]);
    expect(fixture.fake.transactions()).toEqual([expect.objectContaining({ Id: created.Id })]);
    expect(fixture.fake.counters.transactionsCreated).toBe(1);
  });

  it('retries a GET whose connection was reset before any response', async () => {
    fixture.fake.failApi({ kind: 'reset' });
    await expect(client.get('/api/wallet')).resolves.toHaveLength(2);
    expect(retryLines()).toEqual([expect.stringContaining('after ECONNRESET')]);
  });

  it('retries a GET that timed out before any response, within the deadline', async () => {
    fixture.fake.failApi({ kind: 'hang' });
    await expect(client.get('/api/wallet', { timeout: 200 })).resolves.toHaveLength(2);
    expect(retryLines()).toEqual([expect.stringContaining('after ECONNABORTED')]);
  });

  it('gives up after 2 retries with the last error', async () => {
    fixture.fake.failApi({ kind: 'status', status: 503 }, Infinity);
    const error = (await rejectionOf(client.get('/api/wallet'))) as ZumRailsApiError;
    expect(error).toBeInstanceOf(ZumRailsApiError);
    expect(error.status).toBe(503);
    expect(fixture.fake.counters.apiCalls).toBe(3);
    expect(retryLines()).toHaveLength(2);
  });

  it.each([400, 404, 409, 500])('never retries a %i envelope', async (status) => {
    fixture.fake.failApi({ kind: 'status', status }, Infinity);
    await rejectionOf(client.get('/api/wallet'));
    expect(fixture.fake.counters.apiCalls).toBe(1);
  });

  it('never retries an isError answer with HTTP 200', async () => {
    fixture.fake.failApi({ kind: 'is-error-200', message: 'Insufficient funds' }, Infinity);
    await rejectionOf(client.post('/api/transaction', PAYMENT));
    expect(fixture.fake.counters.apiCalls).toBe(1);
  });

  it('never retries a POST without an idempotency key (zumRailsAuth: false)', async () => {
    fixture.fake.failApi({ kind: 'status', status: 503 }, Infinity);
    await rejectionOf(client.post('/api/transaction', PAYMENT, { zumRailsAuth: false }));
    expect(fixture.fake.counters.apiCalls).toBe(1);
    expect(fixture.fake.lastRequest()?.headers['idempotency-key']).toBeUndefined();
  });

  it('retries a PUT only when it carries an idempotency key', async () => {
    fixture.fake.failApi({ kind: 'status', status: 503 }, 2);
    await rejectionOf(client.put('/api/user/1', {}));
    expect(fixture.fake.counters.apiCalls).toBe(1);
    await client.put('/api/user/1', {}, { headers: { 'idempotency-key': 'put-1' } });
    expect(fixture.fake.counters.apiCalls).toBe(3);
  });

  it('does not retry a request with zumRailsRetry: false', async () => {
    fixture.fake.failApi({ kind: 'status', status: 503 }, Infinity);
    await rejectionOf(client.get('/api/wallet', { zumRailsRetry: false }));
    expect(fixture.fake.counters.apiCalls).toBe(1);
  });

  it('waits at least Retry-After: 1 after a 429', async () => {
    fixture.fake.failApi({ kind: 'rate-limited', retryAfterSeconds: 1 });
    await expect(client.get('/api/wallet', { timeout: 5_000 })).resolves.toHaveLength(2);
    const [limited, retried] = apiRequests(fixture.fake);
    expect(retried!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(1_000);
    expect(retryLines()).toEqual([expect.stringContaining('after HTTP 429 (Retry-After 1)')]);
  });

  it('does not retry a 429 whose Retry-After is beyond maxRetryAfterMs, or that has none', async () => {
    fixture.fake.failApi({ kind: 'rate-limited', retryAfterSeconds: 60 });
    await rejectionOf(client.get('/api/wallet'));
    fixture.fake.failApi({ kind: 'status', status: 429 });
    await rejectionOf(client.get('/api/wallet'));
    expect(fixture.fake.counters.apiCalls).toBe(2);
  });

  it('stops waiting and sends nothing more when the caller aborts during the backoff', async () => {
    fixture.fake.failApi({ kind: 'status', status: 503 }, Infinity);
    const controller = new AbortController();
    subject.logs.lines.length = 0;
    const pending = rejectionOf(client.get('/api/wallet', { signal: controller.signal }));
    while (retryLines().length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect((error as ZumRailsHttpError).code).toBe('cancelled');
    expect(fixture.fake.counters.apiCalls).toBe(1);
  });
});

describe('retry bounds', () => {
  it('keeps every attempt inside the overall deadline (requestTimeoutMs)', async () => {
    // The shortest backoff (half of 1 s) is longer than the whole 300-ms deadline.
    await start({ requestTimeoutMs: 300, apiRetry: { initialDelayMs: 1_000, maxDelayMs: 1_000 } });
    fixture.fake.failApi({ kind: 'status', status: 503 }, Infinity);
    await rejectionOf(client.get('/api/wallet'));
    expect(fixture.fake.counters.apiCalls).toBe(1);
  });

  it('makes no retry with apiRetry: false', async () => {
    await start({ apiRetry: false });
    fixture.fake.failApi({ kind: 'status', status: 503 }, Infinity);
    await rejectionOf(client.get('/api/wallet'));
    expect(fixture.fake.counters.apiCalls).toBe(1);
  });

  it('honours apiRetry.maxRetries', async () => {
    await start({ apiRetry: { maxRetries: 1, initialDelayMs: 10, maxDelayMs: 10 } });
    fixture.fake.failApi({ kind: 'status', status: 502 }, Infinity);
    await rejectionOf(client.get('/api/wallet'));
    expect(fixture.fake.counters.apiCalls).toBe(2);
  });
});
