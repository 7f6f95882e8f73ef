import { describe, expect, it } from '@jest/globals';
import { filter, firstValueFrom } from 'rxjs';
import {
  ZumRailsCredentialsRejectedError,
  ZumRailsHealthIndicator,
  ZumRailsShutDownError,
  type ZumRailsTokenEvent,
} from '../../lib/index.js';
import type { ZumRailsFault } from '../../lib/testing/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { rejectionOf, until, within } from '../support/zumrails-assertions.js';

function failure(event: ZumRailsTokenEvent): boolean {
  return event.type === 'renewal-failed';
}

/** Items 7, 8, 9 and 11 of issue 11: shutdown, cancel and waiting callers. */
describe('bounds: waiting callers, shutdown and health', () => {
  const fixture = useFakeZumRails();

  it('hands no token to a caller after shutdown and cancels the token that arrives late', async () => {
    const subject = await fixture.start({ revokeTimeoutMs: 2_000 });
    fixture.fake.failLogin({ kind: 'delay', ms: 600 });
    const pending = rejectionOf(subject.tokens.getToken());
    await until(() => fixture.fake.requests.length === 1);
    await subject.app.close();
    expect(await pending).toBeInstanceOf(ZumRailsShutDownError);
    expect(fixture.fake.counters.logins).toBe(1);
    expect(fixture.fake.counters.cancels).toBe(1);
    expect(fixture.fake.isTokenValid(fixture.fake.issuedTokens()[0]!)).toBe(false);
  });

  it('returns from shutdown within revokeTimeoutMs when the login never answers', async () => {
    // The login's own deadline (10 s) and Jest's (20 s) are far away: only shutdown's bound on
    // its wait for the login (revokeTimeoutMs) can end close() inside the 5-s wait below.
    const subject = await fixture.start({
      revokeTimeoutMs: 300,
      requestTimeoutMs: 10_000,
      tokenWaitTimeoutMs: 15_000,
    });
    fixture.fake.failLogin({ kind: 'hang' });
    const pending = rejectionOf(subject.tokens.getToken());
    await until(() => fixture.fake.requests.length === 1);
    await within(subject.app.close(), 5_000, 'shutdown with a login that never answers');
    expect(await pending).toBeInstanceOf(ZumRailsShutDownError);
  });

  it('serves callers waiting out a backoff when cancelToken() is called meanwhile', async () => {
    const subject = await fixture.start({ loginRetry: { initialDelayMs: 600, maxDelayMs: 600 } });
    fixture.fake.failLogin({ kind: 'status', status: 503 });
    const failed = firstValueFrom(subject.tokens.events$.pipe(filter(failure)));
    const pending = subject.tokens.getToken();
    await failed;
    await subject.tokens.cancelToken();
    const token = await pending;
    expect(fixture.fake.isTokenValid(token)).toBe(true);
  });

  it.each<[string, ZumRailsFault]>([
    ['a 503', { kind: 'status', status: 503 }],
    ['a connection reset', { kind: 'reset' }],
    ['a timeout', { kind: 'hang' }],
  ])(
    'lets a caller joining a login that fails with %s wait for the next attempt',
    async (_name, fault) => {
      const subject = await fixture.start({
        requestTimeoutMs: 300,
        loginRetry: { initialDelayMs: 200, maxDelayMs: 200 },
      });
      fixture.fake.failLogin(fault);
      const first = subject.tokens.getToken();
      await until(() => fixture.fake.requests.length === 1);
      const joined = subject.tokens.getToken();
      const [a, b] = await Promise.all([first, joined]);
      expect(a).toBe(b);
      expect(fixture.fake.isTokenValid(a)).toBe(true);
    },
  );

  it('fails callers at once on rejected credentials', async () => {
    // A caller that waited would get ZumRailsTokenWaitTimeoutError after 15 s (or a second login).
    const subject = await fixture.start({ password: 'wrong', tokenWaitTimeoutMs: 15_000 });
    const error = await within(rejectionOf(subject.tokens.getToken()), 5_000, 'the rejection');
    expect(error).toBeInstanceOf(ZumRailsCredentialsRejectedError);
    expect(fixture.fake.requests).toHaveLength(1);
  });

  it('waits (bounded) for the login in flight before answering a health probe', async () => {
    fixture.fake.failLogin({ kind: 'delay', ms: 300 });
    const subject = await fixture.start({ startup: 'background' });
    expect(subject.tokens.getStatus().state).toBe('acquiring');
    const result = await subject.app.get(ZumRailsHealthIndicator).isHealthy();
    expect(result.zumrails).toMatchObject({ status: 'up', state: 'valid' });
    expect(fixture.fake.counters.logins).toBe(1);
  });
});
