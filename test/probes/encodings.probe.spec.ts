import { describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { ZumRailsClient } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { expectNoSecrets, rejectionOf, secretsOf } from '../support/zumrails-assertions.js';

const USERNAME = 'probe-user';
// An ordinary word too ("token"), so a redaction that lands inside the library's own text shows.
const PASSWORD = 'Pr0be+pa/ss=w0rd?é';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const upperPercent = (text: string) =>
  encodeURIComponent(text).replace(/%[0-9a-f]{2}/gi, (hex) => hex.toUpperCase());
const lowerPercent = (text: string) =>
  encodeURIComponent(text).replace(/%[0-9a-f]{2}/gi, (hex) => hex.toLowerCase());
const everyBytePercent = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
const doubleEncoded = (text: string) => encodeURIComponent(encodeURIComponent(text));
/** A JSON document quoted as a string inside another: its escapes survive one JSON.parse. */
const nestedJson = (text: string) =>
  JSON.stringify(JSON.stringify({ Password: text })).slice(1, -1);
const nestedUnicode = (text: string) =>
  [...text].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/** Each way an echo server (a WAF, a gateway, a logging proxy) may write the secret back. */
const ENCODINGS: [string, (secret: string) => string][] = [
  ['Base64', base64],
  ['Base64url', base64url],
  ['upper-case %XX', upperPercent],
  ['lower-case %xx', lowerPercent],
  ['every byte as %xx', everyBytePercent],
  ['double URL-encoded', doubleEncoded],
  ['JSON inside a JSON string', nestedJson],
  ['\\uXXXX inside a JSON string', nestedUnicode],
];

/**
 * Probe: a server answering an API call with an error that echoes our secrets in every
 * encoding. No rendering of the error, the logs, the status or the events may hold any form.
 */
describe('probe: secrets echoed in every encoding are redacted', () => {
  const fixture = useFakeZumRails(
    { username: USERNAME, password: PASSWORD },
    { revokeOnShutdown: false },
  );

  it.each(ENCODINGS)('%s, in an API error envelope', async (_name, encode) => {
    const subject = await fixture.start();
    await firstValueFrom(subject.http.get('/api/wallet'));
    const [bearer] = fixture.fake.issuedTokens();
    const basic = base64(`${USERNAME}:${PASSWORD}`);
    const echo = [PASSWORD, bearer!, `${USERNAME}:${PASSWORD}`].map(encode).join(' | ');
    const body = JSON.stringify({
      statusCode: 400,
      isError: true,
      message: `echo ${echo} basic ${basic}`,
    });
    fixture.fake.failApi({
      kind: 'status',
      status: 400,
      body,
      headers: { 'content-type': 'application/json' },
    });
    fixture.fake.failApi({
      kind: 'status',
      status: 400,
      body,
      headers: { 'content-type': 'application/json' },
    });
    const httpError = await rejectionOf(firstValueFrom(subject.http.get('/api/wallet')));
    const apiError = await rejectionOf(subject.app.get(ZumRailsClient).get('/api/wallet'));
    expect(String((httpError as Error).message)).toMatch(/400|echo/);
    const secrets = [...secretsOf(fixture.fake), basic, encode(PASSWORD), encode(bearer!)];
    await expectNoSecrets(secrets, { errors: [httpError, apiError], app: subject });
  });

  it.each(ENCODINGS)('%s, in a login error and a gateway page', async (_name, encode) => {
    const subject = await fixture.start();
    const echo = `${encode(PASSWORD)} | ${encode(`${USERNAME}:${PASSWORD}`)}`;
    const envelope = JSON.stringify({ statusCode: 400, isError: true, message: `login ${echo}` });
    const json = { 'content-type': 'application/json' };
    fixture.fake.failLogin({ kind: 'status', status: 400, body: envelope, headers: json });
    const loginError = await rejectionOf(subject.tokens.refresh());
    const page = `<html><body><h1>502 Bad Gateway</h1><pre>${echo}</pre></body></html>`;
    fixture.fake.failLogin({
      kind: 'status',
      status: 502,
      body: page,
      headers: { 'content-type': 'text/html' },
    });
    const pageError = await rejectionOf(subject.tokens.refresh());
    const secrets = [PASSWORD, encode(PASSWORD), encode(`${USERNAME}:${PASSWORD}`)];
    await expectNoSecrets(secrets, { errors: [loginError, pageError], app: subject });
  });
});
