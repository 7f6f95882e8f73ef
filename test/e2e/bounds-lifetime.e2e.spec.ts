import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { ZumRailsBadResponseError } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { rejectionOf } from '../support/zumrails-assertions.js';

const DAY_MS = 24 * 3_600_000;

function claimsOf(token: string): { iat: number; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
    iat: number;
    exp: number;
  };
}

/** A login answer whose JWT payload is `payload` verbatim (JSON cannot say 1e400 otherwise). */
function rawTokenBody(payload: string): string {
  const part = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  const token = `${part('{"alg":"HS256","typ":"JWT"}')}.${part(payload)}.c2ln`;
  return JSON.stringify({ statusCode: 200, isError: false, result: { Token: token } });
}

/** Items 2, 10 and 12 (token parts) of issue 11. */
describe('bounds: token lifetime', () => {
  const fixture = useFakeZumRails();

  it('clamps an absurd lifetime (exp − iat = 1e13 s) to 24 h, warns once, and keeps running', async () => {
    const subject = await fixture.start();
    const iat = Math.floor(Date.now() / 1000);
    fixture.fake.failLogin({ kind: 'claims', claims: { exp: iat + 1e13 } }, 2);
    await subject.tokens.getToken();
    await subject.tokens.refresh();
    const status = subject.tokens.getStatus();
    expect(status.expiresAt! - Date.now()).toBeLessThanOrEqual(DAY_MS);
    expect(status.expiresAt! - Date.now()).toBeGreaterThan(DAY_MS - 60_000);
    const warnings = subject.logs.lines.filter((line) => /cap of 86400 s/.test(line.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.level).toBe('warn');
    await sleep(20); // an exception rethrown by rxjs from a timer would fail the test here
  });

  it('treats non-finite exp/iat claims as a bad response', async () => {
    const subject = await fixture.start();
    const body = rawTokenBody('{"iat":1700000000,"exp":1e400}');
    fixture.fake.failLogin({ kind: 'status', status: 200, body });
    const error = await rejectionOf(subject.tokens.refresh());
    expect(error).toBeInstanceOf(ZumRailsBadResponseError);
    expect((error as Error).message).toMatch(/not finite/);
  });

  it('keeps emitting and serving when an events$ subscriber throws', async () => {
    const subject = await fixture.start();
    subject.tokens.events$.subscribe(() => {
      throw new Error('subscriber bug');
    });
    await subject.tokens.getToken();
    await subject.tokens.refresh();
    await sleep(20); // rxjs would rethrow the subscriber's error from a timer by now
    const reported = subject.logs.lines.filter((line) => /subscriber threw/.test(line.message));
    expect(reported.length).toBe(2);
    expect(reported[0]!.level).toBe('error');
  });

  it('counts the lifetime from when the login was sent, minus the 1-s rounding of iat', async () => {
    fixture.fake.tokenTtlSeconds = 4;
    const subject = await fixture.start({ refreshLeadTimeMs: 1_000 });
    const token = await subject.tokens.getToken();
    const { exp } = claimsOf(token);
    // iat is rounded down, so the real expiry can be up to 1 s before receivedAt + 4 s.
    const session = subject.tokens.getSession()!;
    expect(session.expiresAt).toBeLessThanOrEqual(exp * 1000);
    expect(session.expiresAt - session.issuedAt).toBe(3_000);
  });

  it('refuses a token over 8 KB (every API call would fail with 431)', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({ kind: 'claims', claims: { pad: 'x'.repeat(9_000) } });
    const error = await rejectionOf(subject.tokens.refresh());
    expect(error).toBeInstanceOf(ZumRailsBadResponseError);
    expect((error as Error).message).toMatch(/at most 8192/);
  });

  it.each([
    ['a CR LF (a header injection)', 'a.b.c\r\nX-Injected: 1'],
    ['a space', 'a.b c'],
    ['a NUL', 'a.b\u0000c'],
    ['a tab at the end', 'a.b.c\t'],
    ['a non-ASCII letter', 'a.b.é'],
  ])('refuses a token with %s, and never sends it', async (_, token) => {
    const subject = await fixture.start();
    const body = { statusCode: 200, isError: false, result: { Token: token } };
    fixture.fake.failLogin({ kind: 'status', status: 200, body });
    const error = await rejectionOf(subject.http.axiosRef.get('/api/wallet'));
    expect(error).toBeInstanceOf(ZumRailsBadResponseError);
    expect((error as Error).message).toMatch(
      /result\.Token has characters a bearer token cannot have/,
    );
    expect(fixture.fake.requests.map(({ path }) => path)).toEqual(['/api/authorize']);
  });

  it('treats isError: "true" (a string) with a Token as an error', async () => {
    const subject = await fixture.start();
    const body = { statusCode: 200, isError: 'true', result: { Token: 'a.b.c' } };
    fixture.fake.failLogin({ kind: 'status', status: 200, body });
    await expect(subject.tokens.refresh()).rejects.toBeInstanceOf(ZumRailsBadResponseError);
  });
});
