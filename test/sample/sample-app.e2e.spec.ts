import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { metrics } from '@opentelemetry/api';
import { until } from '../support/zumrails-assertions.js';
import request from 'supertest';
import { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from '../support/log-capture.js';
import { startSampleMetrics } from '../../sample-app/metrics/sample-metrics.js';
import { accountEnv, bootSampleApp } from './boot-sample-app.js';

const WEBHOOK_SECRET = 'sample-webhook-secret-4e1f';

describe('sample app', () => {
  let fake: FakeZumRails;
  let payouts: FakeZumRails;
  let app: INestApplication;
  const logs = new LogCapture();

  beforeAll(async () => {
    fake = await FakeZumRails.start({ tokenTtlSeconds: 2 });
    payouts = await FakeZumRails.start({ username: 'payouts-user', password: 'payouts-password' });
    startSampleMetrics(); // as main.ts does, before the app starts
    app = await bootSampleApp(
      {
        ...accountEnv('ZUMRAILS', fake),
        ...accountEnv('ZUMRAILS_PAYOUTS', payouts),
        ZUMRAILS_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
      logs,
    );
  });

  afterAll(async () => {
    metrics.disable();
    await app?.close();
    await fake?.stop();
    await payouts?.stop();
  });

  it('GET /wallets returns the wallets through a bearer the fake accepted', async () => {
    const response = await request(app.getHttpServer()).get('/wallets').expect(200);
    expect(response.body).toEqual([
      expect.objectContaining({ Type: 'Operational', Currency: 'CAD' }),
      expect.objectContaining({ Type: 'Operational', Currency: 'CAD' }),
    ]);
    const call = fake.lastRequest('/api/wallet');
    const bearer = String(call?.headers.authorization).replace(/^Bearer /, '');
    expect(fake.issuedTokens()).toContain(bearer);
    expect(fake.counters.apiUnauthorized).toBe(0);
  });

  it('GET /session shows who we are, never the token', async () => {
    const response = await request(app.getHttpServer()).get('/session').expect(200);
    expect(response.body).toMatchObject({ role: 'API', username: fake.username, state: 'valid' });
    for (const token of fake.issuedTokens()) expect(response.text).not.toContain(token);
  });

  it('GET /session?account=payouts shows the second account, logged in to its own Zum Rails', async () => {
    const response = await request(app.getHttpServer()).get('/session?account=payouts').expect(200);
    expect(response.body).toMatchObject({
      username: 'payouts-user',
      account: 'payouts',
      state: 'valid',
    });
    for (const token of payouts.issuedTokens()) expect(response.text).not.toContain(token);
    expect(payouts.counters.logins).toBe(1);
    await request(app.getHttpServer()).get('/session?account=nobody').expect(404);
  });

  it('GET /health is up with a valid token, for both accounts', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      info: {
        zumrails: { status: 'up', account: 'default', state: 'valid' },
        'zumrails-payouts': { status: 'up', account: 'payouts', state: 'valid' },
      },
    });
  });

  it('POST /webhooks/zumrails logs a signed webhook and answers 401 to a forged one', async () => {
    const body = JSON.stringify({
      Type: 'Transaction',
      Event: 'StatusChange',
      Data: { Id: 'tx-sample-1', TransactionStatus: 'Completed' },
    });
    const signature = createHmac('sha256', WEBHOOK_SECRET).update(body).digest('base64');
    const post = (signed: string) =>
      request(app.getHttpServer())
        .post('/webhooks/zumrails')
        .set('content-type', 'application/json')
        .set('zumrails-signature', signed)
        .send(body);
    await post(signature).expect(200, { received: true });
    const received = 'Received "Transaction" webhook, event "StatusChange", Data.Id "tx-sample-1"';
    expect(logs.text()).toContain(received);
    // The same delivery again is dropped: 200, and the handler does not run a second time.
    await post(signature).expect(200, { received: true, duplicate: true });
    expect(logs.text().split(received)).toHaveLength(2);
    expect(logs.text()).toContain('Dropped a duplicate Zum Rails webhook');
    const forged = createHmac('sha256', 'guess').update(body).digest('base64');
    await post(forged).expect(401);
    expect(logs.text()).not.toContain(WEBHOOK_SECRET);
    expect(logs.text()).not.toContain(signature);
  });

  it('GET /metrics shows the logins the library recorded on the global MeterProvider', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.body['zumrails.auth.logins']).toEqual(
      expect.arrayContaining([
        { attributes: { outcome: 'success' }, value: expect.any(Number) },
        { attributes: { account: 'payouts', outcome: 'success' }, value: 1 },
      ]),
    );
    expect(response.body['zumrails.auth.token.remaining']).toHaveLength(2);
  });

  it('GET /wallets answers 502 with the vendor message when Zum Rails fails, and no secret', async () => {
    fake.failApi({ kind: 'status', status: 500 });
    const response = await request(app.getHttpServer()).get('/wallets').expect(502);
    expect(response.body).toMatchObject({ statusCode: 502, error: 'api-error' });
    for (const secret of [fake.password, ...fake.issuedTokens()])
      expect(response.text).not.toContain(secret);
  });

  it("POST /transfers creates a transaction with the caller's idempotency key, once", async () => {
    const server = app.getHttpServer();
    const first = await request(server)
      .post('/transfers')
      .set('idempotency-key', 'order-42')
      .send({ amount: 12.5, memo: 'invoice 42' })
      .expect(201);
    expect(first.body).toMatchObject({
      Amount: 12.5,
      Memo: 'invoice 42',
      TransactionStatus: 'InProgress',
    });
    expect(fake.lastRequest('/api/transaction')?.headers['idempotency-key']).toBe('order-42');
    const again = await request(server)
      .post('/transfers')
      .set('idempotency-key', 'order-42')
      .send({ amount: 12.5, memo: 'invoice 42' })
      .expect(201);
    expect(again.body.Id).toBe(first.body.Id);
    expect(fake.transactions().filter((t) => t.Id === first.body.Id)).toHaveLength(1);
    const read = await request(server)
      .get(`/transfers/${first.body.Id as string}`)
      .expect(200);
    expect(read.body).toEqual(first.body);
  });

  it('POST /transfers answers 502 with the vendor text when Zum Rails says isError with HTTP 200', async () => {
    const created = fake.counters.transactionsCreated;
    fake.failApi({ kind: 'is-error-200', message: 'Insufficient funds' });
    const response = await request(app.getHttpServer())
      .post('/transfers')
      .send({ amount: 1_000_000 })
      .expect(502);
    expect(response.body).toEqual({
      statusCode: 502,
      error: 'api-error',
      message: 'Zum Rails refused the request: Insufficient funds',
    });
    expect(fake.counters.transactionsCreated).toBe(created);
    for (const secret of [fake.password, ...fake.issuedTokens()])
      expect(response.text).not.toContain(secret);
  });

  it('POST /transfers refuses a bad amount before calling Zum Rails', async () => {
    const calls = fake.counters.apiCalls;
    await request(app.getHttpServer()).post('/transfers').send({ amount: -5 }).expect(400);
    expect(fake.counters.apiCalls).toBe(calls);
  });

  it('GET /health is 503 down when the login fails and the token has expired', async () => {
    fake.failLogin({ kind: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    // The 2-s token expires (judged by the fake); its renewals fail.
    await until(
      () => fake.issuedTokens().every((token) => !fake.isTokenValid(token)),
      5_000,
      'expiry',
    );
    const response = await request(app.getHttpServer()).get('/health').expect(503);
    expect(response.body).toMatchObject({
      status: 'error',
      error: { zumrails: { status: 'down', lastErrorKind: 'unavailable' } },
      info: { 'zumrails-payouts': { status: 'up' } },
    });
    for (const token of fake.issuedTokens()) expect(response.text).not.toContain(token);
    // Without a token, API calls answer 503 with the typed error's code.
    const wallets = await request(app.getHttpServer()).get('/wallets').expect(503);
    expect(wallets.body).toMatchObject({ error: 'unavailable' });
    fake.clearFaults();
  });
});
