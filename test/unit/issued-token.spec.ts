import { describe, expect, it } from '@jest/globals';
import { fingerprintOf, issueToken, jwtLifetimeMs } from '../../lib/token/issued-token.js';

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

describe('jwtLifetimeMs', () => {
  it('reads exp − iat', () => {
    expect(jwtLifetimeMs(jwt({ iat: 1_700_000_000, exp: 1_700_003_600 }))).toBe(3_600_000);
  });

  it.each([
    ['no exp', jwt({ iat: 1 })],
    ['no iat', jwt({ exp: 1 })],
    ['exp before iat', jwt({ iat: 10, exp: 5 })],
    ['string claims', jwt({ iat: '1', exp: '2' })],
    ['an opaque token', 'opaque-token'],
    ['garbage payload', 'a.%%%.c'],
  ])('is undefined for %s', (_name, token) => {
    expect(jwtLifetimeMs(token)).toBeUndefined();
  });
});

describe('issueToken', () => {
  it('measures expiry on the local clock from the JWT lifetime, whatever the server clock says', () => {
    const serverIat = 1_000_000; // far in the past: clock skew must not matter
    const token = issueToken(jwt({ iat: serverIat, exp: serverIat + 3_600 }), {}, 5_000, 60_000);
    expect(token.issuedAt).toBe(5_000);
    expect(token.expiresAt).toBe(5_000 + 3_600_000);
    expect(token.usableUntil).toBe(token.expiresAt - 30_000);
    expect(token.session).toEqual({ issuedAt: 5_000, expiresAt: 3_605_000 });
  });

  it('falls back to the configured TTL without readable claims', () => {
    const token = issueToken('opaque', { role: 'API' }, 0, 3_300_000);
    expect(token.expiresAt).toBe(3_300_000);
  });

  it('keeps a 10% safety margin on short tokens', () => {
    const token = issueToken(jwt({ iat: 0, exp: 3 }), {}, 0, 1);
    expect(token.usableUntil).toBe(2_700);
  });

  it('fingerprints with 8 hex chars that do not reveal the token', () => {
    expect(fingerprintOf('secret-token')).toMatch(/^[0-9a-f]{8}$/);
    expect(fingerprintOf('secret-token')).not.toBe(fingerprintOf('secret-token2'));
  });
});
