import { describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { ZumRailsHttpError } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { rejectionOf, within } from '../support/zumrails-assertions.js';

/** Items 1 and 6 of issue 11: every call to Zum Rails has an overall deadline. */
describe('bounds: an overall deadline on every call', () => {
  // Generous for a loaded 2-core machine: a normal login must never hit the deadline here
  // (1 s did, under load); a trickle never ends, so only the deadline can settle it.
  const fixture = useFakeZumRails({}, { requestTimeoutMs: 3_000, tokenWaitTimeoutMs: 15_000 });

  it('ends a login that trickles one byte at a time, and the next attempt gets a token', async () => {
    const subject = await fixture.start({ loginRetry: { initialDelayMs: 100, maxDelayMs: 100 } });
    fixture.fake.failLogin({ kind: 'trickle', intervalMs: 50 });
    // Without a login deadline the trickle never ends: the bound says so, not Jest's timeout.
    const token = await within(subject.tokens.getToken(), 10_000, 'a token after the trickle');
    expect(fixture.fake.isTokenValid(token)).toBe(true);
    expect(fixture.fake.counters.failedLogins).toBe(1);
    expect(subject.tokens.getStatus().state).toBe('valid');
  });

  it('reports the trickling login as a timeout', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({ kind: 'trickle', intervalMs: 50 });
    const error = await within(rejectionOf(subject.tokens.refresh()), 10_000, 'the login deadline');
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/timeout/) });
    expect(subject.tokens.getStatus().state).not.toBe('acquiring');
  });

  it('ends a cancel call that trickles', async () => {
    const subject = await fixture.start();
    await subject.tokens.getToken();
    fixture.fake.failCancel({ kind: 'trickle', intervalMs: 50 });
    const error = await within(
      rejectionOf(subject.tokens.cancelToken()),
      10_000,
      'the cancel deadline',
    );
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/timeout/) });
  });

  it('ends an API call that trickles, as a timeout of ZumRailsHttpService', async () => {
    const { http } = await fixture.start();
    fixture.fake.failApi({ kind: 'trickle', intervalMs: 50 });
    const error = await rejectionOf(firstValueFrom(http.get('/api/wallet')));
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).toMatchObject({
      code: 'unavailable',
      cause: expect.objectContaining({ code: 'ECONNABORTED' }),
      message: expect.stringMatching(/3000 ms/),
    });
  });

  it('takes a per-request deadline (zumRailsTimeoutMs) over the default', async () => {
    const { http } = await fixture.start({ requestTimeoutMs: 10_000 });
    fixture.fake.failApi({ kind: 'trickle', intervalMs: 50 });
    const request = http.get('/api/wallet', { zumRailsTimeoutMs: 300 });
    // The message names which deadline ended the call: the request's 300 ms, not the 10-s default.
    const error = await rejectionOf(firstValueFrom(request));
    expect(error).toMatchObject({
      code: 'unavailable',
      cause: expect.objectContaining({ code: 'ECONNABORTED' }),
      message: expect.stringMatching(/300 ms/),
    });
    expect((error as Error).message).not.toMatch(/10000 ms/);
  });

  it('keeps an app-supplied signal working next to the deadline', async () => {
    const { http } = await fixture.start();
    await firstValueFrom(http.get('/api/wallet')); // a token first
    fixture.fake.failApi({ kind: 'hang' });
    const controller = new AbortController();
    const request = firstValueFrom(http.get('/api/wallet', { signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    const error = await rejectionOf(request);
    expect(error).toMatchObject({ code: 'cancelled' });
  });
});
