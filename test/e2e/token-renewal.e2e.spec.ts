import { afterEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeZumRails } from '../../lib/testing/index.js';
import { startAuthApp, type AuthApp } from '../support/auth-app.js';
import { nextEvent, until } from '../support/zumrails-assertions.js';

describe('ZumRailsTokenService: renewal with short real tokens', () => {
  let fake: FakeZumRails | undefined;
  let subject: AuthApp | undefined;

  afterEach(async () => {
    await subject?.app.close();
    subject = undefined;
    await fake?.stop();
  });

  it('renews before expiry and never hands out an expired token', async () => {
    fake = await FakeZumRails.start({ tokenTtlSeconds: 3 });
    subject = await startAuthApp(fake, { startup: 'background' });
    const renewals: string[] = [];
    subject.tokens.events$.subscribe((event) => {
      if (event.type === 'renewed') renewals.push(event.origin);
    });
    const handedOut = new Set<string>();
    let calls = 0;
    // Four rotations of 3-s tokens take ~6 s; the loop's own bound turns a renewal that never
    // comes (no timer, no lead time) into the assertion below, not Jest's timeout.
    const giveUpAt = Date.now() + 15_000;
    while (renewals.length < 4 && Date.now() < giveUpAt) {
      const token = await subject.tokens.getToken();
      // The server is the judge: the token must still be valid there when we hand it out.
      expect(fake.isTokenValid(token)).toBe(true);
      handedOut.add(token);
      calls += 1;
      await sleep(20);
    }
    // One login per rotation, and every one after the first by the renewal timer.
    expect(renewals).toEqual(['login', 'login', 'login', 'login']);
    expect(fake.counters.logins).toBe(5);
    // Every token was handed out, but possibly the last one that landed after the last call.
    expect(handedOut.size).toBeGreaterThanOrEqual(4);
    expect(calls).toBeGreaterThan(handedOut.size);
    expect(subject.tokens.getStatus().state).toBe('valid');
  });

  it('keeps serving the old token through a renewal outage, then recovers', async () => {
    fake = await FakeZumRails.start({ tokenTtlSeconds: 3 });
    subject = await startAuthApp(fake, { loginRetry: { initialDelayMs: 200, maxDelayMs: 400 } });
    const original = await subject.tokens.getToken();
    const failed = nextEvent(subject.tokens, 'renewal-failed', 8_000);
    fake.failLogin({ kind: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    await failed; // the scheduled renewal (at ~1.2–1.5 s) failed
    expect(await subject.tokens.getToken()).toBe(original);
    const status = subject.tokens.getStatus();
    expect(['degraded', 'renewing']).toContain(status.state);
    expect(status.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(status.lastError?.code).toBe('unavailable');
    const renewedEvent = nextEvent(subject.tokens, 'renewed', 5_000);
    fake.clearFaults();
    await renewedEvent; // the next retry (≤ 400 ms) succeeds
    const renewed = await subject.tokens.getToken();
    expect(renewed).not.toBe(original);
    expect(fake.isTokenValid(renewed)).toBe(true);
    expect(subject.tokens.getStatus().consecutiveFailures).toBe(0);
  });

  it('stops handing out a token at its expiry when renewal keeps failing', async () => {
    fake = await FakeZumRails.start({ tokenTtlSeconds: 2 });
    subject = await startAuthApp(fake, {
      loginRetry: { initialDelayMs: 5_000, maxDelayMs: 5_000 },
      requestTimeoutMs: 200,
      tokenWaitTimeoutMs: 200,
    });
    const original = await subject.tokens.getToken();
    fake.failLogin({ kind: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    await until(() => !fake!.isTokenValid(original), 5_000, 'the token’s expiry');
    await expect(subject.tokens.getToken()).rejects.toMatchObject({
      name: expect.stringMatching(/^ZumRails/),
    });
    expect(subject.tokens.getStatus().hasValidToken).toBe(false);
  });
});
