import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { Redaction, SecretRedactor, TRUNCATED } from '../../lib/util/redact.js';
import {
  aspNetEscaped,
  base64,
  doubleEncoded,
  fullyEscaped,
  htmlEscaped,
  jsonEscaped,
  percentEncodedAll,
  urlEncoded,
} from '../support/echo-forms.js';
import { expectNoSecrets } from '../support/zumrails-assertions.js';

const SECRET = 'a+b "c"\\d/é🔑 z';

describe('Redaction', () => {
  it.each<[string, string]>([
    ['raw', SECRET],
    ['JSON-escaped', jsonEscaped(SECRET)],
    ['ASP.NET-escaped', aspNetEscaped(SECRET)],
    ['fully \\u-escaped', fullyEscaped(SECRET)],
    [
      'fully \\u-escaped, upper-case hex',
      fullyEscaped(SECRET).toUpperCase().replace(/\\U/g, '\\u'),
    ],
    ['URL-encoded', urlEncoded(SECRET)],
    [
      'URL-encoded, lower-case hex, + for space',
      urlEncoded(SECRET).toLowerCase().replace(/%20/g, '+'),
    ],
    ['HTML-escaped', htmlEscaped(SECRET)],
    ['every byte as upper-case %XX', percentEncodedAll(SECRET)],
    ['URL-encoded twice', doubleEncoded(SECRET)],
    ['URL-encoded three times', encodeURIComponent(doubleEncoded(SECRET))],
    ['Base64', base64(SECRET)],
    ['Base64 of user:password (a Basic header)', base64(`u:${SECRET}`)],
    ['Base64 at the third alignment', base64(`ab${SECRET}`)],
    ['base64url inside a JSON body', Buffer.from(`{"p":"${SECRET}"}`).toString('base64url')],
    [
      'as HTML hex references, emoji included',
      [...SECRET].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(''),
    ],
    [
      'mixed: JSON, URL and HTML forms in one',
      `${jsonEscaped(SECRET.slice(0, 4))}${urlEncoded(SECRET.slice(4, 9))}${htmlEscaped(SECRET.slice(9))}`,
    ],
  ])('redacts the %s form', (_name, form) => {
    expect(new Redaction([SECRET]).text(`before ${form} after`)).toBe('before [REDACTED] after');
  });

  it('replaces a whole Base64 run, and leaves other Base64 alone', () => {
    const redaction = new Redaction([SECRET]);
    expect(
      redaction.text(`Basic ${base64(`user:${SECRET}`)}, other ${base64('hello world')}`),
    ).toBe(`Basic [REDACTED], other ${base64('hello world')}`);
    // A 3-byte secret has a 4-character core at one alignment only: that one is still found.
    expect(new Redaction(['api']).text(`k: ${base64('api')}`)).toBe('k: [REDACTED]');
  });

  it('keeps broken escapes as they are and still finds the secret next to them', () => {
    const text = `%E0%A4 \\u12 &#xZZ; &bogus; \\q ${urlEncoded(SECRET)}`;
    expect(new Redaction([SECRET]).text(text)).toBe('%E0%A4 \\u12 &#xZZ; &bogus; \\q [REDACTED]');
  });

  it('redacts overlapping secrets and overlapping occurrences whole', () => {
    expect(new Redaction(['abab']).text('x ababab y')).toBe('x [REDACTED] y');

    expect(new Redaction(['abc', 'abcdef']).text('x abcdef y abc')).toBe(
      'x [REDACTED] y [REDACTED]',
    );
  });

  it('walks arrays, plain objects and their keys, and buffers, leaving other values alone', () => {
    const date = new Date(0);
    const input = {
      [SECRET]: [1, true, null, `${SECRET}!`],
      nested: { date, buf: Buffer.from(SECRET) },
    };
    const output = new Redaction([SECRET]).value(input);
    expect(output).toEqual({
      '[REDACTED]': [1, true, null, '[REDACTED]!'],
      nested: { date, buf: Buffer.from('[REDACTED]') },
    });
    expect(input[SECRET]?.[3]).toBe(`${SECRET}!`);
  });

  it('replaces what lies beyond its depth or size budget instead of passing it on unchecked', () => {
    let deep: unknown = SECRET;
    for (let i = 0; i < 40; i++) deep = [deep];
    const wide = Array.from({ length: 10_000 }, () => SECRET);
    const redaction = new Redaction([SECRET]);
    expect(JSON.stringify(redaction.value(deep))).toContain(TRUNCATED);
    const kept = redaction.value(wide);
    expect(kept).toHaveLength(10_000);
    expect(new Set(kept)).toEqual(new Set(['[REDACTED]', TRUNCATED]));
  });

  it('returns its input unchanged when it knows no secret', () => {
    const data = { a: 'b' };
    expect(new Redaction([]).value(data)).toBe(data);
    expect(new Redaction(['hidden-value']).text('100% & \\ + none')).toBe('100% & \\ + none');
    expect(new Redaction(['']).text('')).toBe('');
  });
});

describe('SecretRedactor', () => {
  it('knows its slots, the current and the previous token, and forgets older ones', () => {
    const redactor = new SecretRedactor();
    redactor.set('password', ['pw-123456']);
    redactor.rememberToken('token-1');
    redactor.rememberToken('token-2');
    redactor.rememberToken('token-2');
    expect(redactor.with().text('pw-123456 token-1 token-2')).toBe(
      '[REDACTED] [REDACTED] [REDACTED]',
    );
    redactor.rememberToken('token-3');
    expect(redactor.with().text('token-1 token-2 token-3')).toBe('token-1 [REDACTED] [REDACTED]');
    expect(redactor.with(['token-1']).text('token-1')).toBe('[REDACTED]');
    redactor.set('password', []);
    expect(redactor.with().text('pw-123456')).toBe('pw-123456');
  });

  it('shows slot names only when inspected or serialised', async () => {
    const redactor = new SecretRedactor();
    redactor.set('password', ['pw-123456']);
    redactor.set('proxy', ['proxy-user:proxy-pass']);
    expect(inspect(redactor)).toBe('SecretRedactor { slots: [password, proxy] }');
    await expectNoSecrets(['pw-123456', 'proxy-pass'], { values: { redactor } });
  });
});

describe('expectNoSecrets (the check itself works)', () => {
  it.each<[string, unknown]>([
    ['raw in an error message', new Error(`boom ${SECRET}`)],
    ['JSON-escaped inside an object', { detail: SECRET }],
    ['URL-encoded', `q=${urlEncoded(SECRET)}`],
    ['fully \\u-escaped', fullyEscaped(SECRET)],
  ])('catches a secret %s', async (_name, leak) => {
    const scan = leak instanceof Error ? { errors: [leak] } : { values: { leak } };
    await expect(expectNoSecrets([SECRET], scan)).rejects.toThrow(/contains secret #0/);
  });
});
