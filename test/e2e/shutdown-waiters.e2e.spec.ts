import { describe, expect, it } from '@jest/globals';
import { ZumRailsShutDownError } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { nextEvent, rejectionOf, until, within } from '../support/zumrails-assertions.js';

/**
 * Shutdown frees every waiting caller itself, with the shutdown error: not the login's own
 * end, a later timeout or a wait limit. Each wait below is far longer than the bound the
 * caller's release is held to, so only an explicit release passes.
 */
describe('shutdown releases waiting callers at once', () => {
  const fixture = useFakeZumRails();

  it('frees a caller on a hung login while shutdown still waits for that login', async () => {
    const subject = await fixture.start({ revokeTimeoutMs: 10_000, tokenWaitTimeoutMs: 15_000 });
    fixture.fake.failLogin({ kind: 'hang' });
    const pending = rejectionOf(subject.tokens.getToken());
    await until(() => fixture.fake.requests.length === 1);
    let closed = false;
    const closing = subject.app.close().then(() => (closed = true));
    const error = await within(pending, 2_000, 'the caller’s release at shutdown');
    expect(error).toBeInstanceOf(ZumRailsShutDownError);
    // Shutdown is still waiting for the hung login (up to revokeTimeoutMs): the caller did not
    // wait for it.
    expect(closed).toBe(false);
    await fixture.fake.stop(); // ends the hung login, so shutdown completes now
    await closing;
  });

  it('frees a caller waiting out a backoff, before its wait limit', async () => {
    const subject = await fixture.start({ tokenWaitTimeoutMs: 15_000 });
    // The next attempt is due in 8 s, inside the caller's 15-s wait: the caller waits for it.
    fixture.fake.failLogin({ kind: 'rate-limited', retryAfterSeconds: 8 });
    const failed = nextEvent(subject.tokens, 'renewal-failed', 5_000);
    const pending = rejectionOf(subject.tokens.getToken());
    await failed;
    expect(subject.tokens.getStatus().nextAttemptAt).toBeGreaterThan(Date.now() + 1_000);
    await subject.app.close();
    const error = await within(pending, 2_000, 'the caller’s release at shutdown');
    expect(error).toBeInstanceOf(ZumRailsShutDownError);
    expect(fixture.fake.counters.logins + fixture.fake.counters.failedLogins).toBe(1);
  });
});
