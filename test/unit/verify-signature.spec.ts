import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { verifyZumRailsSignature } from '../../lib/index.js';

const SECRET = 'whsec-test-0123456789';

/** The vendor's scheme, computed independently of the library: Base64(HMAC-SHA256(bytes)). */
function sign(body: Buffer | string, secret = SECRET): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

describe('verifyZumRailsSignature', () => {
  const bodies: [string, string][] = [
    ['an ASCII body', '{"Type":"Transaction","Event":"StatusChange","Data":{"Id":"tx-1"}}'],
    ['a UTF-8 body', '{"Type":"User","Data":{"Id":"u-1","FirstName":"Zoë","City":"Montréal 🍁"}}'],
    [
      'a pretty-printed body',
      '{\n  "Type": "Invoice",\n  "Event": "Created",\n  "Data": { "Id": "i-1" }\n}\n',
    ],
    ['an empty body', ''],
  ];

  it.each(bodies)('accepts the vendor signature of %s, as a Buffer and as a string', (_, body) => {
    const signature = sign(Buffer.from(body, 'utf8'));
    expect(verifyZumRailsSignature(Buffer.from(body, 'utf8'), signature, SECRET)).toBe(true);
    expect(verifyZumRailsSignature(body, signature, SECRET)).toBe(true);
  });

  it('matches a known vector (RFC 4231 test case 2, Base64)', () => {
    // HMAC-SHA256(key "Jefe", "what do ya want for nothing?") = 5bdcc146bf60754e6a042426089575c7...
    const hex = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    const signature = Buffer.from(hex, 'hex').toString('base64');
    expect(verifyZumRailsSignature('what do ya want for nothing?', signature, 'Jefe')).toBe(true);
  });

  it('is whitespace-sensitive: re-serialised JSON does not verify', () => {
    const received = '{ "Type": "Transaction", "Data": { "Id": "tx-1" } }';
    const signature = sign(received);
    const reserialised = JSON.stringify(JSON.parse(received));
    expect(verifyZumRailsSignature(reserialised, signature, SECRET)).toBe(false);
    expect(verifyZumRailsSignature(`${received}\n`, signature, SECRET)).toBe(false);
    expect(verifyZumRailsSignature(received, signature, SECRET)).toBe(true);
  });

  it('takes a string body as UTF-8, not Latin-1', () => {
    const body = '{"Data":{"Name":"Zoë"}}';
    const latin1Signature = sign(Buffer.from(body, 'latin1'));
    expect(verifyZumRailsSignature(body, latin1Signature, SECRET)).toBe(false);
    expect(verifyZumRailsSignature(body, sign(Buffer.from(body, 'utf8')), SECRET)).toBe(true);
  });

  it('rejects a tampered body and a wrong secret', () => {
    const body = '{"Type":"Transaction","Data":{"Id":"tx-1","TransactionStatus":"Failed"}}';
    const signature = sign(body);
    expect(verifyZumRailsSignature(body.replace('Failed', 'Completed'), signature, SECRET)).toBe(
      false,
    );
    expect(verifyZumRailsSignature(body, signature, `${SECRET}x`)).toBe(false);
    expect(verifyZumRailsSignature(body, sign(body, 'another-secret'), SECRET)).toBe(false);
  });

  it('accepts any of several secrets (rotation) and still rejects others', () => {
    const body = '{"Type":"Product","Event":"Updated","Data":{"Id":"p-1"}}';
    const secrets = ['new-secret', 'old-secret'];
    expect(verifyZumRailsSignature(body, sign(body, 'new-secret'), secrets)).toBe(true);
    expect(verifyZumRailsSignature(body, sign(body, 'old-secret'), secrets)).toBe(true);
    expect(verifyZumRailsSignature(body, sign(body, 'older-secret'), secrets)).toBe(false);
  });

  it('returns false, never throws, for unusable signatures', () => {
    const body = '{"Type":"User","Data":{}}';
    const good = sign(body);
    const bad: unknown[] = [
      undefined,
      '',
      'garbage',
      good.slice(0, -1), // missing padding
      good.slice(0, 20), // short
      `${good}AAAA`, // long
      `${good} `, // trailing space
      good.replace(/[+/]/g, (c) => (c === '+' ? '-' : '_')).replace('=', ''), // base64url
      '!'.repeat(44),
      Buffer.from('x'.repeat(31)).toString('base64'), // 31 bytes
      Buffer.from('x'.repeat(33)).toString('base64'), // 33 bytes
      'A'.repeat(1_000_000),
      [good], // a repeated header as an array
      42,
      null,
    ];
    for (const signature of bad) {
      expect(verifyZumRailsSignature(body, signature as string | undefined, SECRET)).toBe(false);
    }
  });

  it('accepts one Base64 spelling per digest: non-zero trailing bits and padding variants fail', () => {
    const bodies = Array.from(
      { length: 40 },
      (_, index) => `{"Type":"User","Data":{"n":${index}}}`,
    );
    for (const body of bodies) {
      const canonical = sign(body);
      const digest = Buffer.from(canonical, 'base64');
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      const last = alphabet.indexOf(canonical[42]!);
      // The 3 other characters that Node decodes to the same 32 bytes (low 2 bits set).
      const spellings = [1, 2, 3].map(
        (bits) => `${canonical.slice(0, 42)}${alphabet[last + bits]}=`,
      );
      for (const spelling of spellings) {
        expect(Buffer.from(spelling, 'base64').equals(digest)).toBe(true);
        expect(verifyZumRailsSignature(body, spelling, SECRET)).toBe(false);
      }
      for (const variant of [
        `${canonical}=`,
        canonical.slice(0, -1),
        ` ${canonical}`,
        `${canonical}\n`,
        `${canonical.slice(0, 20)} ${canonical.slice(20)}`,
      ]) {
        expect(verifyZumRailsSignature(body, variant, SECRET)).toBe(false);
      }
      expect(verifyZumRailsSignature(body, canonical, SECRET)).toBe(true);
    }
  });

  it('returns false for an unusable secret or body', () => {
    const body = '{"Type":"User","Data":{}}';
    const emptyKeySignature = sign(body, '');
    expect(verifyZumRailsSignature(body, emptyKeySignature, '')).toBe(false);
    expect(verifyZumRailsSignature(body, emptyKeySignature, [])).toBe(false);
    expect(verifyZumRailsSignature(body, sign(body), [undefined, 1] as unknown as string[])).toBe(
      false,
    );
    expect(verifyZumRailsSignature({ Type: 'User' } as unknown as string, sign(body), SECRET)).toBe(
      false,
    );
    expect(verifyZumRailsSignature(undefined as unknown as string, sign(''), SECRET)).toBe(false);
  });

  it('verifies a Uint8Array view at an offset of a larger buffer', () => {
    const body = Buffer.from('prefix{"Type":"User","Data":{}}suffix');
    const view = body.subarray(6, body.length - 6);
    expect(verifyZumRailsSignature(view, sign(view.toString()), SECRET)).toBe(true);
  });
});
