import { describe, expect, it } from '@jest/globals';
import { type ZumRailsFault } from '../../lib/testing/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { expectNoSecrets, rejectionOf, until } from '../support/zumrails-assertions.js';

const PASSWORD = 'S3cret-Pa55word-never-shown';

describe('secrets never leak', () => {
  const fixture = useFakeZumRails({ password: PASSWORD, tokenTtlSeconds: 3 });

  it.each<[string, ZumRailsFault | undefined, string | undefined]>([
    ['wrong password', undefined, `${PASSWORD}-wrong`],
    ['500', { kind: 'status', status: 500 }, undefined],
    ['reset', { kind: 'reset' }, undefined],
    ['timeout', { kind: 'hang' }, undefined],
    ['html', { kind: 'html', status: 200 }, undefined],
    ['missing token', { kind: 'missing-token' }, undefined],
    [
      'an error text that echoes the password',
      {
        kind: 'status',
        status: 400,
        body: { statusCode: 400, isError: true, message: `Bad request: Password=${PASSWORD}` },
      },
      undefined,
    ],
  ])('in errors from a login that fails with %s', async (_name, fault, password) => {
    const subject = await fixture.start({ password: password ?? PASSWORD, requestTimeoutMs: 300 });
    if (fault) fixture.fake.failLogin(fault);
    // refresh() reports its one attempt (getToken() waits across transient failures).
    const error = await rejectionOf(subject.tokens.refresh());
    expect(error).toMatchObject({ code: expect.any(String) });
    expect(fixture.fake.counters.failedLogins).toBe(1); // the fault did fire
    expect(subject.tokens.getStatus().lastError).toBeDefined();
    await expectNoSecrets([PASSWORD], { errors: [error], app: subject });
  });

  it('in logs, events, status and session over a whole lifecycle', async () => {
    const subject = await fixture.start({
      startup: 'background',
      loginRetry: { initialDelayMs: 100, maxDelayMs: 100 },
    });
    await subject.tokens.getToken();
    fixture.fake.failLogin({ kind: 'status', status: 503 }, 2);
    expect(await rejectionOf(subject.tokens.refresh())).toMatchObject({ code: 'unavailable' });
    // The second 503 goes to this refresh or to the background retry (100 ms): either way it fires.
    await subject.tokens.refresh().catch((error: unknown) => {
      expect(error).toMatchObject({ code: 'unavailable' });
    });
    await until(() => fixture.fake.counters.failedLogins === 2, 3_000, 'both 503s');
    await subject.tokens.refresh();
    const status = subject.tokens.getStatus();
    const session = subject.tokens.getSession();
    fixture.fake.failLogin({ kind: 'status', status: 401 });
    expect(await rejectionOf(subject.tokens.refresh())).toMatchObject({
      code: 'credentials-rejected',
    });
    expect(fixture.fake.counters.failedLogins).toBe(3); // every fault fired
    await subject.tokens.cancelToken();
    expect(fixture.fake.counters.cancels).toBe(1);
    await subject.app.close();
    expect(fixture.fake.issuedTokens().length).toBeGreaterThanOrEqual(2);
    expect(subject.events.map((event) => event.type)).toContain('cancelled');
    await expectNoSecrets([PASSWORD, ...fixture.fake.issuedTokens()], {
      app: subject,
      values: { status, session },
    });
  });

  it('in every log line', async () => {
    const subject = await fixture.start({
      startup: 'background',
      loginRetry: { initialDelayMs: 100, maxDelayMs: 100 },
    });
    await subject.tokens.getToken();
    fixture.fake.failLogin({ kind: 'status', status: 500 });
    expect(await rejectionOf(subject.tokens.refresh())).toMatchObject({ code: 'unavailable' });
    await subject.tokens.refresh();
    fixture.fake.failLogin({ kind: 'status', status: 403 });
    expect(await rejectionOf(subject.tokens.refresh())).toMatchObject({
      code: 'credentials-rejected',
    });
    expect(fixture.fake.counters.failedLogins).toBe(2); // every fault fired
    const { logs } = subject;
    await subject.app.close();
    expect(logs.lines.length).toBeGreaterThanOrEqual(4);
    expect(logs.text()).toMatch(/Token acquired \(fp [0-9a-f]{8}\)/);
    expect(logs.text()).toMatch(/rejected the API credentials/);
    await expectNoSecrets([PASSWORD, ...fixture.fake.issuedTokens()], { app: subject });
  });
});
