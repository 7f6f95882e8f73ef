import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { ZumRailsShutDownError } from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { startAuthApp } from '../support/auth-app.js';
import { rejectionOf, within } from '../support/zumrails-assertions.js';

describe('ZumRailsTokenService: shutdown', () => {
  let fake: FakeZumRails;

  beforeEach(async () => {
    fake = await FakeZumRails.start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('cancels the token once and leaves no timer behind', async () => {
    const { app, tokens } = await startAuthApp(fake, {}, [ScheduleModule.forRoot()]);
    const token = await tokens.getToken();
    const registry = app.get(SchedulerRegistry);
    expect(registry.getTimeouts()).toHaveLength(1);
    await app.close();
    expect(fake.counters.cancels).toBe(1);
    expect(fake.lastRequest('/api/authorize/canceltoken')?.headers.authorization).toBe(
      `Bearer ${token}`,
    );
    expect(fake.isTokenValid(token)).toBe(false);
    expect(registry.getTimeouts()).toHaveLength(0);
    expect(tokens.getStatus().state).toBe('stopped');
  });

  it('hands out no token after shutdown', async () => {
    const { app, tokens } = await startAuthApp(fake);
    await tokens.getToken();
    await app.close();
    await expect(tokens.getToken()).rejects.toBeInstanceOf(ZumRailsShutDownError);
  });

  it('does not cancel when revokeOnShutdown is false', async () => {
    const { app, tokens } = await startAuthApp(fake, { revokeOnShutdown: false });
    const token = await tokens.getToken();
    await app.close();
    expect(fake.counters.cancels).toBe(0);
    expect(fake.isTokenValid(token)).toBe(true);
  });

  it('bounds a hanging cancel call and never throws', async () => {
    const { app, tokens, logs } = await startAuthApp(fake, { revokeTimeoutMs: 200 });
    await tokens.getToken();
    fake.failCancel({ kind: 'hang' });
    // Unbounded, a hung cancel would hold close() until the fake stops (after the test).
    await expect(
      within(app.close(), 5_000, 'shutdown with a hung cancel'),
    ).resolves.toBeUndefined();
    expect(logs.text()).toMatch(/did not confirm the cancellation/);
  });

  it('settles an in-flight login without unhandled rejections', async () => {
    const { app, tokens } = await startAuthApp(fake, { revokeTimeoutMs: 200 });
    fake.failLogin({ kind: 'hang' });
    const pending = rejectionOf(tokens.getToken());
    await app.close();
    expect(await pending).toBeInstanceOf(ZumRailsShutDownError);
    expect(fake.counters.cancels).toBe(0);
  });

  it('sends nothing at shutdown when no token was ever obtained', async () => {
    const { app } = await startAuthApp(fake);
    await app.close();
    expect(fake.requests).toHaveLength(0);
  });
});
