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
import { rejectionOf, until } from '../support/zumrails-assertions.js';

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
    const subject = await fixture.start({ revokeTimeoutMs: 300 });
    fixture.fake.failLogin({ kind: 'hang' });
    const pending = rejectionOf(subject.tokens.getToken());
    await until(() => fixture.fake.requests.length === 1);
    const started = Date.now();
    await subject.app.close();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await pending).toBeInstanceOf(ZumRailsShutDownError);
  });

  it('serves callers waiting out a backoff when cancelToken() is called meanwhile', async () => {
    const subject = await fixture.start({ retry: { initialDelayMs: 600, maxDelayMs: 600 } });
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
        retry: { initialDelayMs: 200, maxDelayMs: 200 },
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
    const subject = await fixture.start({ password: 'wrong' });
    const started = Date.now();
    const error = await rejectionOf(subject.tokens.getToken());
    expect(error).toBeInstanceOf(ZumRailsCredentialsRejectedError);
    expect(Date.now() - started).toBeLessThan(1_000);
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
