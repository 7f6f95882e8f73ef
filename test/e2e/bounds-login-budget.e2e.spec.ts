import { describe, expect, it } from '@jest/globals';
import { ZumRailsHealthIndicator, ZumRailsRateLimitedError } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { nextEvent, rejectionOf } from '../support/zumrails-assertions.js';

/** Items 3 and 4 of issue 11: one login budget whatever triggers logins; Retry-After capped. */
describe('bounds: login budget and Retry-After', () => {
  const fixture = useFakeZumRails();

  it('makes at most maxLoginsPerMinute logins for refresh() in a loop, then a local rate-limited error', async () => {
    const subject = await fixture.start({ maxLoginsPerMinute: 5 });
    const outcomes = [];
    for (let call = 0; call < 20; call++)
      outcomes.push(await rejectionOf(subject.tokens.refresh()).catch(() => 'token'));
    expect(fixture.fake.counters.logins).toBe(5);
    const error = outcomes.find((outcome) => outcome instanceof ZumRailsRateLimitedError);
    expect(error).toMatchObject({ code: 'rate-limited', source: 'login-budget' });
    const wait = (error as ZumRailsRateLimitedError).retryAfterMs;
    expect(wait).toBeGreaterThan(50_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect((error as Error).message).toMatch(/next login allowed in \d+ s/);
    expect((error as ZumRailsRateLimitedError).status).toBeUndefined();
  });

  it('bounds a 1-ms JWT (renewal due at once) to the budget; status and health show it', async () => {
    const subject = await fixture.start({ maxLoginsPerMinute: 10, startup: 'background' });
    fixture.fake.failLogin({ kind: 'claims', claims: { iat: 1_000, exp: 1_000.001 } }, Infinity);
    // A budget that does not hold never says rate-limited: the bound fails the test, not Jest.
    const limited = nextEvent(
      subject.tokens,
      'renewal-failed',
      10_000,
      (event) => event.error.code === 'rate-limited',
    );
    await subject.tokens.getToken().catch(() => undefined);
    await limited;
    expect(fixture.fake.counters.logins).toBe(10);
    // Callers without a valid token get the local error at once (the wait is ~1 minute).
    const error = await rejectionOf(subject.tokens.getToken());
    expect(error).toMatchObject({ code: 'rate-limited', source: 'login-budget' });
    const budget = subject.tokens.getStatus().loginBudget;
    expect(budget).toMatchObject({ maxPerMinute: 10, usedInLastMinute: 10 });
    expect(budget.nextLoginAllowedAt).toBeGreaterThan(Date.now());
    const health = await subject.app.get(ZumRailsHealthIndicator).isHealthy();
    expect(health.zumrails.loginBudget).toMatchObject({ usedInLastMinute: 10 });
    expect(health.zumrails.loginBudget.nextLoginAllowedAt).toEqual(expect.any(String));
    expect(fixture.fake.counters.logins).toBe(10);
  });

  it('caps Retry-After: 99999999 at 5 minutes plus jitter', async () => {
    const subject = await fixture.start();
    const headers = { 'retry-after': '99999999' };
    fixture.fake.failLogin({ kind: 'status', status: 429, headers });
    const error = (await rejectionOf(subject.tokens.refresh())) as ZumRailsRateLimitedError;
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(300_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(330_000);
    const next = subject.tokens.getStatus().nextAttemptAt! - Date.now();
    expect(next).toBeLessThanOrEqual(330_000);
  });

  it('takes the cap from maxRetryAfterMs, and accepts the HTTP-date form', async () => {
    const subject = await fixture.start({ maxRetryAfterMs: 10_000 });
    fixture.fake.failLogin({ kind: 'status', status: 429, headers: { 'retry-after': '3600' } });
    const capped = (await rejectionOf(subject.tokens.refresh())) as ZumRailsRateLimitedError;
    expect(capped.retryAfterMs).toBeGreaterThanOrEqual(10_000);
    expect(capped.retryAfterMs).toBeLessThanOrEqual(11_000);

    const other = await fixture.start();
    const date = new Date(Date.now() + 7_000).toUTCString();
    fixture.fake.failLogin({ kind: 'status', status: 429, headers: { 'retry-after': date } });
    const dated = (await rejectionOf(other.tokens.refresh())) as ZumRailsRateLimitedError;
    expect(dated.retryAfterMs).toBeGreaterThan(4_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(7_000);
  });

  it('lets callers wait out a short Retry-After and get a token', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({ kind: 'rate-limited', retryAfterSeconds: 1 });
    const token = await subject.tokens.getToken();
    expect(fixture.fake.isTokenValid(token)).toBe(true);
    expect(fixture.fake.counters).toMatchObject({ logins: 1, failedLogins: 1 });
  });
});
