import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from '../support/log-capture.js';
import { accountEnv, bootSampleApp } from './boot-sample-app.js';

const WRONG_PASSWORD = 'not-the-password-7c2d';

describe('sample app, when Zum Rails refuses the login', () => {
  let fake: FakeZumRails;
  let payouts: FakeZumRails;
  let app: INestApplication;
  const logs = new LogCapture();

  beforeAll(async () => {
    fake = await FakeZumRails.start();
    payouts = await FakeZumRails.start({ username: 'payouts-user', password: 'payouts-password' });
    // The payouts user is over its quota from the start.
    payouts.failLogin({ kind: 'rate-limited', retryAfterSeconds: 30 }, Number.POSITIVE_INFINITY);
    app = await bootSampleApp(
      {
        // The default account runs with a password the fake does not know.
        ...accountEnv('ZUMRAILS', fake, WRONG_PASSWORD),
        ...accountEnv('ZUMRAILS_PAYOUTS', payouts),
        ZUMRAILS_WEBHOOK_SECRET: 'sample-webhook-secret-9a0b',
      },
      logs,
    );
  });

  afterAll(async () => {
    await app?.close();
    await fake?.stop();
    await payouts?.stop();
  });

  it("GET /session answers the filter's 502 with credentials-rejected (not Zum Rails' 401), not the password", async () => {
    const response = await request(app.getHttpServer()).get('/session').expect(502);
    expect(response.body).toEqual({
      statusCode: 502,
      error: 'credentials-rejected',
      message: "Zum Rails refused this service's API credentials",
    });
    expect(fake.counters.failedLogins).toBeGreaterThanOrEqual(1);
    expect(fake.counters.logins).toBe(0);
    expect(response.text).not.toContain(WRONG_PASSWORD);
    expect(logs.text()).not.toContain(WRONG_PASSWORD);
  });

  it('GET /wallets gets the same answer as /session from the same filter', async () => {
    const session = await request(app.getHttpServer()).get('/session').expect(502);
    const wallets = await request(app.getHttpServer()).get('/wallets').expect(502);
    expect(wallets.body).toEqual(session.body);
    expect(fake.counters.apiCalls).toBe(0);
  });

  it('GET /session?account=payouts answers 503 rate-limited with Retry-After from Zum Rails', async () => {
    const response = await request(app.getHttpServer()).get('/session?account=payouts').expect(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.body).toEqual({
      statusCode: 503,
      error: 'rate-limited',
      message: 'Zum Rails rate limit reached; retry in 30 s',
    });
    expect(payouts.counters.logins).toBe(0);
  });
});
