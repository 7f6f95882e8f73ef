import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeZumRails } from '../../lib/testing/index.js';
import { processHolders } from '../../lib/util/waiting.js';
import { startAuthApp } from '../support/auth-app.js';
import { runWorker } from './support/worker-process.js';

// A child process on a loaded machine: boot (transpiling the sources on a cold cache) gets
// room; the limit only turns a process that never exits into a failure.
const RUN_MS = 60_000;

describe('a worker process (createApplicationContext) lives until its call is done', () => {
  let fake: FakeZumRails;

  beforeEach(async () => {
    fake = await FakeZumRails.start();
  });

  afterEach(async () => {
    await fake.stop();
  });

  it.each(['then', 'await'] as const)(
    'first login 503 and first API answer 503: the call completes and the process exits 0 (%s style)',
    async (style) => {
      fake.failLogin({ kind: 'status', status: 503 });
      fake.failApi({ kind: 'status', status: 503 });

      const exit = await runWorker(style, fake, RUN_MS);

      expect(exit).toEqual(
        expect.objectContaining({ code: 0, signal: null, stdout: 'paid: 2 wallets read\n' }),
      );
      // The backoff after the 503 and the API retry both happened: the waits were real.
      expect(fake.counters).toEqual(
        expect.objectContaining({ failedLogins: 1, logins: 1, apiCalls: 2 }),
      );
    },
    RUN_MS + 5_000,
  );

  it(
    'an idle module with a token and no caller waiting does not keep the process alive',
    async () => {
      const exit = await runWorker('idle', fake, RUN_MS);

      expect(exit).toEqual(expect.objectContaining({ code: 0, signal: null, stdout: 'idle\n' }));
      expect(fake.counters.logins).toBe(1);
    },
    RUN_MS + 5_000,
  );
});

describe('callers waiting in-process hold the process, and let go', () => {
  let fake: FakeZumRails;

  beforeEach(async () => {
    fake = await FakeZumRails.start();
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('every caller in a login backoff holds; the token releases them all', async () => {
    fake.failLogin({ kind: 'status', status: 503 });
    const { app, tokens } = await startAuthApp(fake, {
      loginRetry: { initialDelayMs: 200, maxDelayMs: 200 },
    });
    const held = processHolders();
    const calls = Array.from({ length: 5 }, () => tokens.getToken());
    expect(processHolders()).toBe(held + 5);

    const values = await Promise.all(calls);
    expect(new Set(values).size).toBe(1);
    expect(processHolders()).toBe(held);
    await app.close();
  });

  it('shutdown releases callers waiting through a backoff, and their hold with them', async () => {
    fake.failLogin({ kind: 'status', status: 503 });
    const { app, tokens } = await startAuthApp(fake, {
      loginRetry: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      tokenWaitTimeoutMs: 60_000,
    });
    const held = processHolders();
    const waiting = tokens.getToken();
    await new Promise<void>((resolve) => {
      const sub = tokens.events$.subscribe((event) => {
        if (event.type === 'renewal-failed') {
          sub.unsubscribe();
          resolve();
        }
      });
    });
    expect(processHolders()).toBe(held + 1);

    await app.close();
    await expect(waiting).rejects.toMatchObject({ code: 'shut-down' });
    expect(processHolders()).toBe(held);
  });
});
