import { afterEach, describe, expect, it } from '@jest/globals';
import { FakeZumRails } from '../../lib/testing/index.js';
import { accountEnv } from './boot-sample-app.js';
import { SampleProcess, type SampleLogLine } from './sample-process.js';

// A child process under a loaded machine: boot (transpiling the sources on a cold cache) gets
// room; the stop gets a deadline only so that a process that never exits fails the test.
const BOOT_MS = 60_000;
const STOP_MS = 15_000;
const READY = 'Ctrl-C to stop';

/** Per Nest log context (`ZumRailsAuth`, `ZumRailsAuth:payouts`): the token fingerprints. */
function fingerprints(lines: SampleLogLine[]): Record<string, unknown[]> {
  const byContext: Record<string, unknown[]> = {};
  for (const { context = '', message } of lines)
    if (typeof message === 'object') (byContext[context] ??= []).push(message.fingerprint);
  return byContext;
}

describe('sample app process (npm run sample) on shutdown', () => {
  let sample: SampleProcess | undefined;
  let fake: FakeZumRails | undefined;

  afterEach(async () => {
    await sample?.dispose();
    await fake?.stop();
    sample = fake = undefined;
  });

  it(
    'SIGTERM cancels the token at Zum Rails, then stops the embedded fake, and exits 0',
    async () => {
      // The default account on this test's fake, so the cancel is seen from outside; the
      // payouts account has no credentials, so the sample embeds a fake for it.
      fake = await FakeZumRails.start();
      sample = new SampleProcess({
        ...accountEnv('ZUMRAILS', fake),
        ZUMRAILS_WEBHOOK_SECRET: 'sample-webhook-secret-5d3e',
      });
      const started = sample;
      await started.waitFor('two tokens', () => started.events('acquired').length === 2, BOOT_MS);
      await started.waitFor(`"${READY}"`, () => started.output.includes(READY), BOOT_MS);
      const [token] = fake.issuedTokens();

      // Exiting at all proves the embedded fake was stopped: its server would hold the process.
      expect(await started.stop('SIGTERM', STOP_MS)).toEqual({ code: 0, signal: null });
      expect(fake.counters.cancels).toBe(1);
      expect(fake.lastRequest('/api/authorize/canceltoken')?.headers.authorization).toBe(
        `Bearer ${token}`,
      );
      expect(fake.isTokenValid(token!)).toBe(false);
      // The embedded fake was still listening when the module cancelled its token there.
      const cancelled = started.events('cancelled');
      expect(cancelled).toContainEqual(
        expect.objectContaining({
          context: 'ZumRailsAuth:payouts',
          message: expect.objectContaining({ revoked: true, alreadyInvalid: false }),
        }),
      );
      expect(fingerprints(cancelled)).toEqual(fingerprints(started.events('acquired')));
    },
    BOOT_MS + STOP_MS,
  );

  it(
    'Ctrl-C (SIGINT) with no credentials cancels both tokens at the embedded fakes and exits 0',
    async () => {
      sample = new SampleProcess({}); // as `npm ci && npm run sample` on a fresh checkout
      const started = sample;
      await started.waitFor('two tokens', () => started.events('acquired').length === 2, BOOT_MS);
      await started.waitFor(`"${READY}"`, () => started.output.includes(READY), BOOT_MS);
      expect(started.output).toContain('a signed webhook from the fake got 200, a forged one 401');
      expect(started.output).toContain(
        'The same webhook again got 200: dropped as a duplicate, the handler did not run',
      );

      expect(await started.stop('SIGINT', STOP_MS)).toEqual({ code: 0, signal: null });
      const cancelled = started.events('cancelled');
      expect(cancelled.map((line) => line.message)).toEqual([
        expect.objectContaining({ revoked: true, alreadyInvalid: false }),
        expect.objectContaining({ revoked: true, alreadyInvalid: false }),
      ]);
      expect(fingerprints(cancelled)).toEqual(fingerprints(started.events('acquired')));
    },
    BOOT_MS + STOP_MS,
  );
});
