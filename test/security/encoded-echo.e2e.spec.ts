import type { AxiosError } from 'axios';
import { describe, expect, it } from '@jest/globals';
import { ZumRailsApiError, ZumRailsAuthError, ZumRailsHttpError } from '../../lib/index.js';
import { ZumRailsClient } from '../../lib/index.js';
import { base64, doubleEncoded, percentEncodedAll, rawEnvelope } from '../support/echo-forms.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { expectNoSecrets, rejectionOf } from '../support/zumrails-assertions.js';

const PASSWORD = 'S3cret+/Pa55-ä';
const USER = 'api-user';
const JSON_TYPE = { 'content-type': 'application/json' };

/** The echoes of one secret that escaped redaction, each beside a label. */
function echoes(secret: string, user: string): string {
  return [
    `b64 ${base64(secret)}`,
    `basic Basic ${base64(`${user}:${secret}`)}`,
    `body ${Buffer.from(JSON.stringify({ Username: user, Password: secret })).toString('base64url')}`,
    `upper ${percentEncodedAll(secret)}`,
    `double ${doubleEncoded(secret)}`,
    `triple ${encodeURIComponent(doubleEncoded(secret))}`,
  ].join(' | ');
}
const REDACTED_ECHOES =
  'b64 [REDACTED] | basic Basic [REDACTED] | body [REDACTED] | upper [REDACTED] | ' +
  'double [REDACTED] | triple [REDACTED]';

/** Every form the secret took in the echoes, so none of them is found anywhere after. */
function forms(secret: string, user: string): string[] {
  return echoes(secret, user)
    .split(' | ')
    .map((part) => part.slice(part.lastIndexOf(' ') + 1))
    .concat(secret);
}

describe('echoes of a secret in Base64 and layered URL encodings', () => {
  const fixture = useFakeZumRails(
    { username: USER, password: PASSWORD },
    { revokeOnShutdown: false },
  );

  it('are redacted from an API error, the bearer too', async () => {
    const subject = await fixture.start();
    const client = subject.app.get(ZumRailsClient);
    const token = await subject.tokens.getToken();
    const message = `${echoes(PASSWORD, USER)} || ${echoes(token, 'Bearer')}`;
    fixture.fake.failApi({
      kind: 'status',
      status: 400,
      headers: JSON_TYPE,
      body: { statusCode: 400, isError: true, message, result: null },
    });
    const error = await rejectionOf(client.post('/api/transaction', { Amount: 1 }));
    expect(error).toBeInstanceOf(ZumRailsApiError);
    expect((error as ZumRailsApiError).vendorMessage).toBe(
      `${REDACTED_ECHOES} || ${REDACTED_ECHOES}`,
    );
    await expectNoSecrets([...forms(PASSWORD, USER), ...forms(token, 'Bearer')], {
      errors: [error],
      app: subject,
    });
  });

  it('are redacted from a login refusal', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({
      kind: 'status',
      status: 401,
      headers: JSON_TYPE,
      body: rawEnvelope(401, echoes(PASSWORD, USER)),
    });
    const error = await rejectionOf(subject.tokens.getToken());
    expect(error).toBeInstanceOf(ZumRailsAuthError);
    expect((error as Error).message).toContain(`(HTTP 401): ${REDACTED_ECHOES}.`);
    await expectNoSecrets(forms(PASSWORD, USER), { errors: [error], app: subject });
  });
});

describe('a password that is an ordinary word', () => {
  const fixture = useFakeZumRails({ password: 'transfer' }, { revokeOnShutdown: false });

  it("is redacted from the vendor's text, never from the library's own words or the path", async () => {
    const subject = await fixture.start({ password: 'transfer' });
    const client = subject.app.get(ZumRailsClient);
    fixture.fake.failApi({
      kind: 'status',
      status: 400,
      headers: JSON_TYPE,
      body: { statusCode: 400, isError: true, message: 'no transfer today', result: null },
    });
    const api = (await rejectionOf(client.post('/api/transfer', {}))) as ZumRailsApiError;
    expect(api.message).toBe('Zum Rails 400 on POST /api/transfer: no [REDACTED] today');
    expect([api.path, api.origin]).toEqual(['/api/transfer', fixture.fake.url]);
    expect((api.cause as AxiosError).config?.url).toBe('/api/transfer');
    expect(JSON.stringify(api)).toContain('"path":"/api/transfer"');

    fixture.fake.failApi({ kind: 'html', status: 502 }, 3);
    const page = (await rejectionOf(client.get('/api/transfer?transfer=1'))) as ZumRailsHttpError;
    expect(page).not.toBeInstanceOf(ZumRailsApiError);
    expect(page.message).toBe('Request failed with status code 502');
    // The query holds values, like params: a secret there is redacted, never in the path.
    expect(page.path).toBe('/api/transfer');
    expect((page.cause as AxiosError).config?.url).toBe('/api/transfer?[REDACTED]=1');
  });
});
