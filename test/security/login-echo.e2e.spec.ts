import { describe, expect, it } from '@jest/globals';
import { ZumRailsAuthError } from '../../lib/index.js';
import type { ZumRailsFault } from '../../lib/testing/index.js';
import {
  aspNetEscaped,
  fullyEscaped,
  htmlEscaped,
  jsonEscaped,
  rawEnvelope,
  urlEncoded,
} from '../support/echo-forms.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { expectNoSecrets, rejectionOf } from '../support/zumrails-assertions.js';

// Every character ASP.NET escapes, a quote, a backslash, non-ASCII and an emoji.
const PASSWORD = `pa+ss"wörd\\<&>'ü🔑-x`;
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** Login faults whose bodies echo the password the way real servers write it. */
const ECHOES: [string, ZumRailsFault, RegExp][] = [
  [
    'JSON-escaped the way ASP.NET writes it (\\u002B, \\u0022, \\u00FC)',
    {
      kind: 'status',
      status: 400,
      body: rawEnvelope(400, `Bad request: Password=${aspNetEscaped(PASSWORD)}`),
      headers: JSON_TYPE,
    },
    /Bad request: Password=\[REDACTED\]/,
  ],
  [
    'with every character as \\uXXXX, in a 401',
    {
      kind: 'status',
      status: 401,
      body: rawEnvelope(401, `wrong password ${fullyEscaped(PASSWORD)}`),
      headers: JSON_TYPE,
    },
    /wrong password \[REDACTED\]/,
  ],
  [
    'raw, in an isError envelope with HTTP 200',
    {
      kind: 'status',
      status: 200,
      body: rawEnvelope(400, `echo ${jsonEscaped(PASSWORD)} end`),
      headers: JSON_TYPE,
    },
    /echo \[REDACTED\] end/,
  ],
  [
    'URL-encoded, in a 503 envelope',
    {
      kind: 'status',
      status: 503,
      body: rawEnvelope(503, `upstream said password=${urlEncoded(PASSWORD)}`),
      headers: JSON_TYPE,
    },
    /upstream said password=\[REDACTED\]/,
  ],
  [
    'in a body that is not JSON (HTML-escaped and raw) and in its content type',
    {
      kind: 'status',
      status: 502,
      body: `<html><body>${htmlEscaped(PASSWORD)} ${PASSWORD}</body></html>`,
      headers: { 'content-type': `text/html; charset=${urlEncoded(PASSWORD)}` },
    },
    /HTML instead of JSON/,
  ],
  [
    'JSON-escaped inside a JSON document quoted in the message (the escapes survive parsing)',
    {
      kind: 'status',
      status: 400,
      body: rawEnvelope(400, jsonEscaped(`request {"Password":"${aspNetEscaped(PASSWORD)}"}`)),
      headers: JSON_TYPE,
    },
    /request \{"Password":"\[REDACTED\]"\}/,
  ],
  [
    'in the content type of a non-JSON body',
    {
      kind: 'status',
      status: 400,
      body: 'nope',
      headers: { 'content-type': `text/plain; echo=${urlEncoded(PASSWORD)}` },
    },
    /text\/plain; echo=\[REDACTED\]/,
  ],
];

describe('a login error that echoes the password', () => {
  const fixture = useFakeZumRails({ password: PASSWORD });

  it.each(ECHOES)('never surfaces it when it is written %s', async (_name, fault, kept) => {
    const subject = await fixture.start({
      startup: 'lazy',
      loginRetry: { initialDelayMs: 50, maxDelayMs: 50 },
    });
    fixture.fake.failLogin(fault);
    // refresh() reports its one attempt; getToken() would wait across a transient 503.
    const error = await rejectionOf(subject.tokens.refresh());
    expect(error).toBeInstanceOf(ZumRailsAuthError);
    expect((error as Error).message).toMatch(kept);
    expect(subject.tokens.getStatus().lastError?.message).toMatch(kept);
    expect(subject.events.map((event) => event.type)).toContain('renewal-failed');
    // Rejected credentials log one line of their own, without the vendor text.
    const rejected = fault.kind === 'status' && fault.status === 401;
    expect(subject.logs.text()).toMatch(rejected ? /rejected the API credentials/ : kept);
    await expectNoSecrets([PASSWORD], { errors: [error], app: subject });
  });

  it('redacts it from the session fields of a successful login', async () => {
    const subject = await fixture.start();
    const token = 'opaque-token-0123456789abcdef';
    fixture.fake.failLogin({
      kind: 'status',
      status: 200,
      headers: JSON_TYPE,
      body:
        `{"statusCode":200,"isError":false,"result":{"Token":"${token}",` +
        `"CompanyName":"Acme ${aspNetEscaped(PASSWORD)}","Username":"${jsonEscaped(PASSWORD)}"}}`,
    });
    await expect(subject.tokens.getToken()).resolves.toBe(token);
    expect(subject.tokens.getSession()).toMatchObject({
      companyName: 'Acme [REDACTED]',
      username: '[REDACTED]',
    });
    await expectNoSecrets([PASSWORD, token], { app: subject });
  });

  it('still logs in with that password when the server is well behaved', async () => {
    const subject = await fixture.start();
    await expect(subject.tokens.getToken()).resolves.toEqual(expect.any(String));
    expect(subject.tokens.getSession()?.username).toBe(fixture.fake.username);
    await expectNoSecrets([PASSWORD, ...fixture.fake.issuedTokens()], { app: subject });
  });
});
