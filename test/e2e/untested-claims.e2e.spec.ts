import { afterEach, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import {
  ZumRailsRateLimitedError,
  ZumRailsTokenWaitTimeoutError,
  type ZumRailsAuthError,
} from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { startAuthApp, type AuthApp } from '../support/auth-app.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { useManualDate } from '../support/manual-date.js';
import { rejectionOf, secretsOf } from '../support/zumrails-assertions.js';

/** Every serialised form of `error` is free of every secret the fake knows. */
function expectSecretFree(error: ZumRailsAuthError, fake: FakeZumRails): void {
  const forms = [JSON.stringify(error), inspect(error, { depth: 5 }), String(error.stack)];
  for (const secret of secretsOf(fake))
    for (const form of forms) expect(form).not.toContain(secret);
}

/** A whole second, so an HTTP date (second resolution) names it exactly. */
function wholeSecond(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}

describe('Claims of the README, each with a test', () => {
  const fixture = useFakeZumRails();
  const manualDate = useManualDate();

  describe('429 on login', () => {
    it('waits the vendor’s 5-minute block when there is no Retry-After; toJSON is secret-free', async () => {
      const now = 1_800_000_000_000;
      manualDate(now);
      const subject = await fixture.start();
      fixture.fake.failLogin({ kind: 'status', status: 429 }); // no Retry-After header
      const error = await rejectionOf(subject.tokens.getToken());
      expect(error).toBeInstanceOf(ZumRailsRateLimitedError);
      expect((error as ZumRailsRateLimitedError).retryAfterMs).toBe(5 * 60_000);
      expect(subject.tokens.getStatus().nextAttemptAt).toBe(now + 5 * 60_000);
      expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'rate-limited' });
      expectSecretFree(error as ZumRailsAuthError, fixture.fake);
    });

    it('reads Retry-After as an HTTP date', async () => {
      const now = wholeSecond(Date.now());
      manualDate(now);
      const subject = await fixture.start();
      const until = new Date(now + 90_000).toUTCString();
      fixture.fake.failLogin({ kind: 'status', status: 429, headers: { 'Retry-After': until } });
      const error = await rejectionOf(subject.tokens.getToken());
      expect((error as ZumRailsRateLimitedError).retryAfterMs).toBe(90_000);
      expect(subject.tokens.getStatus().nextAttemptAt).toBe(now + 90_000);
    });
  });

  it('token-wait-timeout errors serialise without a secret', async () => {
    const subject = await fixture.start({
      // The first hung login ends at 300 ms, the second starts at 400 (the shortest retry
      // delay is 100 ms): the caller's 500 ms run out while it is in flight.
      requestTimeoutMs: 300,
      tokenWaitTimeoutMs: 500,
      loginRetry: { initialDelayMs: 50, maxDelayMs: 50 },
    });
    const token = await subject.tokens.getToken(); // a token and the password are secrets now
    fixture.fake.revokeToken(token);
    subject.tokens.invalidate(token);
    // Every login hangs until its deadline; the caller waits across them until its own.
    fixture.fake.failLogin({ kind: 'hang' }, Infinity);
    const error = await rejectionOf(subject.tokens.getToken());
    expect(error).toBeInstanceOf(ZumRailsTokenWaitTimeoutError);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'token-wait-timeout' });
    expectSecretFree(error as ZumRailsAuthError, fixture.fake);
  });
});

describe('A late renewal timer (the clock jumped forward, e.g. after a laptop sleep)', () => {
  let fake: FakeZumRails | undefined;
  let subject: AuthApp | undefined;
  const manualDate = useManualDate();
  afterEach(async () => {
    await subject?.app.close();
    await fake?.stop();
  });

  it('never serves the expired token: getToken() logs in again', async () => {
    const date = manualDate();
    fake = await FakeZumRails.start({ clock: date }); // 1-hour tokens, judged on the same Date
    subject = await startAuthApp(fake);
    const before = await subject.tokens.getToken();
    date.advance(2 * 60 * 60_000); // two hours later; the renewal timer (real time) has not fired
    expect(fake.isTokenValid(before)).toBe(false);
    const after = await subject.tokens.getToken();
    expect(after).not.toBe(before);
    expect(fake.isTokenValid(after)).toBe(true);
    expect(fake.counters.logins).toBe(2);
  });
});
