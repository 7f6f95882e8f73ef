import { describe, expect, it } from '@jest/globals';
import { ZumRailsHealthIndicator } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';

describe('ZumRailsHealthIndicator', () => {
  const fixture = useFakeZumRails({});

  it('is up with details while a valid token is held, under the default key', async () => {
    const subject = await fixture.start();
    const token = await subject.tokens.getToken();
    const result = await subject.app.get(ZumRailsHealthIndicator).isHealthy();
    expect(result).toEqual({
      zumrails: {
        status: 'up',
        account: 'default',
        state: 'valid',
        expiresInSeconds: expect.any(Number),
        lastRenewalAt: expect.any(String),
        consecutiveFailures: 0,
        lastErrorKind: null,
        renewalTrouble: false,
        store: 'memory',
        loginBudget: { maxPerMinute: 200, usedInLastMinute: 1, nextLoginAllowedAt: null },
        rateLimits: [], // a fake's URL: no default rules
      },
    });
    expect(result.zumrails.expiresInSeconds).toBeGreaterThan(3_500);
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it('uses the key it is given', async () => {
    const subject = await fixture.start();
    await subject.tokens.getToken();
    const result = await subject.app.get(ZumRailsHealthIndicator).isHealthy('payments');
    expect(Object.keys(result)).toEqual(['payments']);
  });

  it('marks renewal trouble while the old token is still valid', async () => {
    const subject = await fixture.start();
    await subject.tokens.getToken();
    fixture.fake.failLogin({ kind: 'status', status: 503 });
    await subject.tokens.refresh().catch(() => undefined);
    const result = await subject.app.get(ZumRailsHealthIndicator).isHealthy();
    expect(result.zumrails).toMatchObject({
      status: 'up',
      renewalTrouble: true,
      consecutiveFailures: 1,
      lastErrorKind: 'unavailable',
    });
  });

  it('gets the first token itself when none was tried yet', async () => {
    const subject = await fixture.start({ startup: 'lazy' });
    const result = await subject.app.get(ZumRailsHealthIndicator).isHealthy();
    expect(result.zumrails.status).toBe('up');
    expect(fixture.fake.counters.logins).toBe(1);
  });

  it('is down without a token, and does not log in on every probe', async () => {
    // A long backoff keeps the library's own retries out of the count.
    const subject = await fixture.start({
      loginRetry: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    fixture.fake.failLogin({ kind: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    const indicator = subject.app.get(ZumRailsHealthIndicator);
    for (let probe = 0; probe < 10; probe++) {
      const result = await indicator.isHealthy();
      expect(result.zumrails).toMatchObject({ status: 'down', lastErrorKind: 'unavailable' });
    }
    // The first probe tried once; at most one more attempt can come from the backoff schedule.
    expect(fixture.fake.counters.failedLogins).toBeGreaterThanOrEqual(1);
    expect(fixture.fake.counters.failedLogins).toBeLessThanOrEqual(2);
  });

  it('is down with credentials-rejected state after a rejection', async () => {
    const subject = await fixture.start({ password: 'wrong' });
    const result = await subject.app.get(ZumRailsHealthIndicator).isHealthy();
    expect(result.zumrails).toMatchObject({
      status: 'down',
      state: 'credentials-rejected',
      lastErrorKind: 'credentials-rejected',
    });
  });
});
