import { describe, expect, it } from '@jest/globals';
import type { AxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import { ZumRailsHttpError } from '../../lib/index.js';
import { aspNetEscaped, fullyEscaped, jsonEscaped, urlEncoded } from '../support/echo-forms.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { expectNoSecrets, rejectionOf } from '../support/zumrails-assertions.js';

const PASSWORD = 'api-pa55+wörd"🔑';

describe('an API error that echoes the bearer', () => {
  const fixture = useFakeZumRails({ password: PASSWORD }, { revokeOnShutdown: false });

  it('keeps neither the current nor the previous token nor the password anywhere', async () => {
    const subject = await fixture.start();
    await firstValueFrom(subject.http.get('/api/wallet'));
    await subject.tokens.refresh();
    const [previous, current] = fixture.fake.issuedTokens() as [string, string];
    const body =
      `{"statusCode":400,"isError":true,"message":"Bad header Authorization: Bearer ${current}",` +
      `"result":{"echo":{"deep":["${aspNetEscaped(previous)}","pw=${urlEncoded(PASSWORD)}"]},` +
      `"${current}":"as a key"},"responseException":{"exceptionMessage":` +
      `{"title":"Bearer ${jsonEscaped(current)} refused","detail":"${aspNetEscaped(PASSWORD)}"}}}`;
    fixture.fake.failApi({
      kind: 'status',
      status: 400,
      body,
      headers: { 'content-type': 'application/json', 'x-echo': `Bearer ${current}` },
    });

    const error = await rejectionOf(
      firstValueFrom(subject.http.post('/api/transaction', { Amount: 1 })),
    );

    expect(error).toBeInstanceOf(ZumRailsHttpError);
    const http = error as ZumRailsHttpError;
    expect(http.status).toBe(400);
    // The vendor text of an RFC 7807-like exceptionMessage is `title: detail`.
    expect(http.vendorMessage).toBe('Bearer [REDACTED] refused: [REDACTED]');
    const cause = http.cause as AxiosError;
    expect(cause.response?.data).toMatchObject({
      responseException: {
        exceptionMessage: { title: 'Bearer [REDACTED] refused', detail: '[REDACTED]' },
      },
    });
    expect(cause.response?.data).toMatchObject({
      message: 'Bad header Authorization: Bearer [REDACTED]',
      result: { echo: { deep: ['[REDACTED]', 'pw=[REDACTED]'] }, '[REDACTED]': 'as a key' },
    });
    expect(cause.response?.headers['x-echo']).toBe('Bearer [REDACTED]');
    await expectNoSecrets([PASSWORD, previous, current], {
      errors: [error],
      app: subject,
      values: { data: cause.response?.data, headers: cause.response?.headers },
    });
  });

  it('redacts a bearer written as \\uXXXX escapes inside the vendor text (they survive parsing)', async () => {
    const subject = await fixture.start();
    const token = await subject.tokens.getToken();
    const message = jsonEscaped(`echo ${fullyEscaped(token)} end`);
    fixture.fake.failApi({
      kind: 'status',
      status: 400,
      body: `{"statusCode":400,"isError":true,"message":"${message}"}`,
      headers: { 'content-type': 'application/json' },
    });
    const error = await rejectionOf(firstValueFrom(subject.http.get('/api/wallet')));
    expect((error as ZumRailsHttpError).vendorMessage).toBe('echo [REDACTED] end');
    await expectNoSecrets([PASSWORD, token], { errors: [error], app: subject });
  });

  it('redacts the bearer from a query string and a custom header the caller added', async () => {
    const subject = await fixture.start();
    const token = await subject.tokens.getToken();
    fixture.fake.failApi({ kind: 'status', status: 500 }, Infinity);
    const error = await rejectionOf(
      firstValueFrom(
        subject.http.get('/api/wallet', {
          params: { t: token },
          headers: { 'x-token': token },
        }),
      ),
    );
    const cause = (error as ZumRailsHttpError).cause as AxiosError;
    expect(cause.config?.params).toEqual({ t: '[REDACTED]' });
    expect(cause.config?.headers.get('x-token')).toBe('[REDACTED]');
    await expectNoSecrets([PASSWORD, token], { errors: [error], app: subject });
  });
});
