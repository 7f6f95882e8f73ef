import { describe, expect, it } from '@jest/globals';
import { firstValueFrom, toArray } from 'rxjs';
import type { ZumRailsTokenEvent } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';

describe('ZumRailsTokenService: acquiring a token', () => {
  const fixture = useFakeZumRails({});

  it('logs in once for 200 concurrent callers on a cold service', async () => {
    const subject = await fixture.start();
    const tokens = await Promise.all(Array.from({ length: 200 }, () => subject.tokens.getToken()));
    expect(fixture.fake.counters.logins).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(fixture.fake.isTokenValid(tokens[0]!)).toBe(true);
  });

  it('sends the documented login request', async () => {
    const subject = await fixture.start();
    await subject.tokens.getToken();
    const login = fixture.fake.lastRequest('/api/authorize');
    expect(login?.method).toBe('POST');
    expect(login?.headers['content-type']).toContain('application/json');
    expect(login?.body).toEqual({
      Username: fixture.fake.username,
      Password: fixture.fake.password,
    });
  });

  it('serves the cached token without another login', async () => {
    const subject = await fixture.start();
    const first = await subject.tokens.getToken();
    for (let i = 0; i < 50; i++) expect(await subject.tokens.getToken()).toBe(first);
    expect(fixture.fake.counters.logins).toBe(1);
  });

  it('logs in at bootstrap in the background by default', async () => {
    const subject = await fixture.start({ startup: 'background' });
    await firstValueFrom(subject.tokens.events$);
    expect(fixture.fake.counters.logins).toBe(1);
    expect(subject.tokens.getStatus().state).toBe('valid');
  });

  it('does nothing before first use in lazy mode', async () => {
    const subject = await fixture.start({ startup: 'lazy' });
    expect(fixture.fake.counters.logins).toBe(0);
    expect(subject.tokens.getStatus().state).toBe('idle');
  });

  it('forces a new single-flight login on refresh()', async () => {
    const subject = await fixture.start();
    const first = await subject.tokens.getToken();
    const [a, b] = await Promise.all([subject.tokens.refresh(), subject.tokens.refresh()]);
    expect(a).toBe(b);
    expect(a).not.toBe(first);
    expect(fixture.fake.counters.logins).toBe(2);
    expect(await subject.tokens.getToken()).toBe(a);
  });

  it('exposes the session without the token', async () => {
    const subject = await fixture.start();
    const before = Date.now();
    const token = await subject.tokens.getToken();
    const session = subject.tokens.getSession();
    expect(session).toMatchObject({
      role: 'API',
      companyName: expect.any(String),
      customerType: 'Customer',
      username: fixture.fake.username,
    });
    expect(session?.customerId).toEqual(expect.any(String));
    // Counted from when the login was sent, minus the 1-s rounding of the JWT's iat.
    expect(session!.issuedAt).toBeGreaterThanOrEqual(before);
    expect(session!.expiresAt - session!.issuedAt).toBe(3_599_000);
    expect(JSON.stringify(session)).not.toContain(token);
  });

  it('reports status with expiry and fingerprint but never the token', async () => {
    const subject = await fixture.start();
    const token = await subject.tokens.getToken();
    const status = subject.tokens.getStatus();
    expect(status).toMatchObject({ state: 'valid', hasValidToken: true, consecutiveFailures: 0 });
    expect(status.expiresAt).toBeGreaterThan(Date.now());
    expect(status.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(JSON.stringify(status)).not.toContain(token);
  });

  it('cancels the token with its bearer and logs in afresh afterwards', async () => {
    const subject = await fixture.start();
    const token = await subject.tokens.getToken();
    await subject.tokens.cancelToken();
    const cancel = fixture.fake.lastRequest('/api/authorize/canceltoken');
    expect(cancel?.method).toBe('PATCH');
    expect(cancel?.headers.authorization).toBe(`Bearer ${token}`);
    expect(fixture.fake.isTokenValid(token)).toBe(false);
    expect(subject.tokens.getSession()).toBeUndefined();
    const next = await subject.tokens.getToken();
    expect(next).not.toBe(token);
    expect(fixture.fake.counters.logins).toBe(2);
  });

  it('forgets the token locally even when the cancel call fails', async () => {
    const subject = await fixture.start();
    const token = await subject.tokens.getToken();
    fixture.fake.failCancel({ kind: 'status', status: 500 });
    await expect(subject.tokens.cancelToken()).rejects.toMatchObject({ code: 'unavailable' });
    expect(subject.tokens.getStatus().hasValidToken).toBe(false);
    expect(await subject.tokens.getToken()).not.toBe(token);
  });

  it('emits typed, secret-free events', async () => {
    const subject = await fixture.start();
    const seen = firstValueFrom(subject.tokens.events$.pipe(toArray()));
    const token = await subject.tokens.getToken();
    await subject.tokens.refresh();
    await subject.tokens.cancelToken();
    await subject.app.close();
    const events: ZumRailsTokenEvent[] = await seen;
    expect(events.map((event) => event.type)).toEqual(['acquired', 'renewed', 'cancelled']);
    expect(JSON.stringify(events)).not.toContain(token);
  });
});
