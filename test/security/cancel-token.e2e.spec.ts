import { describe, expect, it } from '@jest/globals';
import {
  ZumRailsBadResponseError,
  ZumRailsUnavailableError,
  type ZumRailsTokenEvent,
} from '../../lib/index.js';
import { aspNetEscaped } from '../support/echo-forms.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { expectNoSecrets, rejectionOf, secretsOf } from '../support/zumrails-assertions.js';

const PASSWORD = 'cancel-pa55+wörd🔑';

function cancelled(events: readonly ZumRailsTokenEvent[]): ZumRailsTokenEvent | undefined {
  return events.find((event) => event.type === 'cancelled');
}

describe('canceltoken', () => {
  const fixture = useFakeZumRails({ password: PASSWORD });

  it('never carries the bearer it echoes into the error, status, events or logs', async () => {
    const subject = await fixture.start();
    const token = await subject.tokens.getToken();
    fixture.fake.failCancel({
      kind: 'status',
      status: 400,
      headers: { 'content-type': 'application/json' },
      body:
        `{"statusCode":400,"isError":true,"message":"cannot cancel Bearer ${token}",` +
        `"responseException":{"exceptionMessage":"token ${aspNetEscaped(token)} unknown"}}`,
    });
    const error = await rejectionOf(subject.tokens.cancelToken());
    expect(error).toBeInstanceOf(ZumRailsBadResponseError);
    expect((error as Error).message).toBe(
      'Unexpected response from Zum Rails: canceltoken answered HTTP 400 (token [REDACTED] unknown)',
    );
    expect(cancelled(subject.events)).toMatchObject({ revoked: false, alreadyInvalid: false });
    await expectNoSecrets(secretsOf(fixture.fake), { errors: [error], app: subject });
  });

  it('treats a 401 as a token already dead: no error, no talk of username and password', async () => {
    const subject = await fixture.start();
    const token = await subject.tokens.getToken();
    fixture.fake.revokeToken(token);
    await expect(subject.tokens.cancelToken()).resolves.toBeUndefined();
    expect(cancelled(subject.events)).toMatchObject({ revoked: true, alreadyInvalid: true });
    expect(subject.logs.text()).toMatch(/already invalid at Zum Rails/);
    expect(subject.logs.text()).not.toMatch(/username|password|credentials/i);
    expect(subject.tokens.getStatus().lastError).toBeUndefined();
    await expectNoSecrets(secretsOf(fixture.fake), { app: subject });
  });

  it('a 401 at shutdown is quiet too', async () => {
    const subject = await fixture.start({ revokeOnShutdown: true });
    const token = await subject.tokens.getToken();
    fixture.fake.revokeToken(token);
    await subject.app.close();
    expect(fixture.fake.counters.failedCancels).toBe(1);
    expect(cancelled(subject.events)).toMatchObject({ alreadyInvalid: true });
    expect(subject.logs.lines.filter((line) => line.level !== 'log')).toEqual([]);
    await expectNoSecrets(secretsOf(fixture.fake), { app: subject });
  });

  it('reports a 503 as "could not cancel", not as rejected credentials', async () => {
    const subject = await fixture.start();
    await subject.tokens.getToken();
    fixture.fake.failCancel({ kind: 'status', status: 503 });
    const error = await rejectionOf(subject.tokens.cancelToken());
    expect(error).toBeInstanceOf(ZumRailsUnavailableError);
    expect((error as Error).message).toMatch(/could not cancel the token: HTTP 503/);
    await expectNoSecrets(secretsOf(fixture.fake), { errors: [error], app: subject });
  });
});
