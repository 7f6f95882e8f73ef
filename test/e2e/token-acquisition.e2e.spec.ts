import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom, toArray } from 'rxjs';
import type { ZumRailsTokenEvent } from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { startAuthApp, type AuthApp } from '../support/auth-app.js';

describe('TokenService: acquiring a token', () => {
  let fake: FakeZumRails;
  let subject: AuthApp | undefined;

  beforeEach(async () => {
    fake = await FakeZumRails.start();
  });
  afterEach(async () => {
    await subject?.app.close();
    subject = undefined;
    await fake.stop();
  });

  it('logs in once for 200 concurrent callers on a cold service', async () => {
    subject = await startAuthApp(fake);
    const tokens = await Promise.all(Array.from({ length: 200 }, () => subject!.tokens.getToken()));
    expect(fake.counters.logins).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(fake.isTokenValid(tokens[0]!)).toBe(true);
  });

  it('sends the documented login request', async () => {
    subject = await startAuthApp(fake);
    await subject.tokens.getToken();
    const login = fake.lastRequest('/api/authorize');
    expect(login?.method).toBe('POST');
    expect(login?.headers['content-type']).toContain('application/json');
    expect(login?.body).toEqual({ Username: fake.username, Password: fake.password });
  });

  it('serves the cached token without another login', async () => {
    subject = await startAuthApp(fake);
    const first = await subject.tokens.getToken();
    for (let i = 0; i < 50; i++) expect(await subject.tokens.getToken()).toBe(first);
    expect(fake.counters.logins).toBe(1);
  });

  it('logs in at bootstrap in the background by default', async () => {
    subject = await startAuthApp(fake, { startup: 'background' });
    await firstValueFrom(subject.tokens.events$);
    expect(fake.counters.logins).toBe(1);
    expect(subject.tokens.getStatus().state).toBe('valid');
  });

  it('does nothing before first use in lazy mode', async () => {
    subject = await startAuthApp(fake, { startup: 'lazy' });
    expect(fake.counters.logins).toBe(0);
    expect(subject.tokens.getStatus().state).toBe('idle');
  });

  it('forces a new single-flight login on refresh()', async () => {
    subject = await startAuthApp(fake);
    const first = await subject.tokens.getToken();
    const [a, b] = await Promise.all([subject.tokens.refresh(), subject.tokens.refresh()]);
    expect(a).toBe(b);
    expect(a).not.toBe(first);
    expect(fake.counters.logins).toBe(2);
    expect(await subject.tokens.getToken()).toBe(a);
  });

  it('exposes the session without the token', async () => {
    subject = await startAuthApp(fake);
    const before = Date.now();
    const token = await subject.tokens.getToken();
    const session = subject.tokens.getSession();
    expect(session).toMatchObject({
      role: 'API',
      companyName: expect.any(String),
      customerType: 'Customer',
      username: fake.username,
    });
    expect(session?.customerId).toEqual(expect.any(String));
    expect(session!.issuedAt).toBeGreaterThanOrEqual(before);
    expect(session!.expiresAt - session!.issuedAt).toBe(3_600_000);
    expect(JSON.stringify(session)).not.toContain(token);
  });

  it('reports status with expiry and fingerprint but never the token', async () => {
    subject = await startAuthApp(fake);
    const token = await subject.tokens.getToken();
    const status = subject.tokens.getStatus();
    expect(status).toMatchObject({ state: 'valid', hasValidToken: true, consecutiveFailures: 0 });
    expect(status.expiresAt).toBeGreaterThan(Date.now());
    expect(status.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(JSON.stringify(status)).not.toContain(token);
  });

  it('cancels the token with its bearer and logs in afresh afterwards', async () => {
    subject = await startAuthApp(fake);
    const token = await subject.tokens.getToken();
    await subject.tokens.cancelToken();
    const cancel = fake.lastRequest('/api/authorize/canceltoken');
    expect(cancel?.method).toBe('PATCH');
    expect(cancel?.headers.authorization).toBe(`Bearer ${token}`);
    expect(fake.isTokenValid(token)).toBe(false);
    expect(subject.tokens.getSession()).toBeUndefined();
    const next = await subject.tokens.getToken();
    expect(next).not.toBe(token);
    expect(fake.counters.logins).toBe(2);
  });

  it('forgets the token locally even when the cancel call fails', async () => {
    subject = await startAuthApp(fake);
    const token = await subject.tokens.getToken();
    fake.failCancel({ kind: 'status', status: 500 });
    await expect(subject.tokens.cancelToken()).rejects.toMatchObject({ code: 'unavailable' });
    expect(subject.tokens.getStatus().hasValidToken).toBe(false);
    expect(await subject.tokens.getToken()).not.toBe(token);
  });

  it('emits typed, secret-free events', async () => {
    subject = await startAuthApp(fake);
    const seen = firstValueFrom(subject.tokens.events$.pipe(toArray()));
    const token = await subject.tokens.getToken();
    await subject.tokens.refresh();
    await subject.tokens.cancelToken();
    await subject.app.close();
    subject = undefined;
    const events: ZumRailsTokenEvent[] = await seen;
    expect(events.map((event) => event.type)).toEqual(['acquired', 'renewed', 'cancelled']);
    expect(JSON.stringify(events)).not.toContain(token);
  });
});
