import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import {
  ZumRailsAuthModule,
  ZumRailsConfigError,
  ZumRailsTokenWaitTimeoutError,
  type ZumRailsTokenStore,
} from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { useManualDate } from '../support/manual-date.js';
import { rejectionOf } from '../support/zumrails-assertions.js';

/** A store that answers but whose lease another replica always holds, and holds no token. */
const busyStore: ZumRailsTokenStore = {
  get: () => Promise.resolve(undefined),
  compareAndSet: () => Promise.resolve(true),
  compareAndDelete: () => Promise.resolve(true),
  acquireLease: () => Promise.resolve(false),
  releaseLease: () => Promise.resolve(true),
};

/** A store with a bug: it hands back a number where a string belongs. */
const brokenStore: ZumRailsTokenStore = {
  ...busyStore,
  get: () => Promise.resolve({ value: 42 as unknown as string, ttlMs: 1_000 }),
};

/** Item 12 of issue 11 (the parts not about the token itself). */
describe('bounds: smaller items', () => {
  const fixture = useFakeZumRails();
  const manualDate = useManualDate();

  it('getSession() agrees with getToken()/getStatus() on when a token stops being usable', async () => {
    const date = manualDate();
    const subject = await fixture.start();
    await subject.tokens.getToken();
    const { expiresAt } = subject.tokens.getSession()!;
    date.set(expiresAt - 1); // past usableUntil, before expiresAt
    expect(subject.tokens.getStatus().hasValidToken).toBe(false);
    expect(subject.tokens.getSession()).toBeUndefined();
  });

  it('says no failure in the wait-timeout message when nothing has failed', async () => {
    const subject = await fixture.start({
      store: busyStore,
      requestTimeoutMs: 300,
      tokenWaitTimeoutMs: 300,
    });
    const error = await rejectionOf(subject.tokens.getToken());
    expect(error).toBeInstanceOf(ZumRailsTokenWaitTimeoutError);
    expect((error as ZumRailsTokenWaitTimeoutError).reason).toBeUndefined();
    expect((error as Error).message).not.toMatch(/last failure/);
  });

  it('logs a bug during login once with its stack and surfaces it as internal', async () => {
    const subject = await fixture.start({ store: brokenStore });
    const first = await rejectionOf(subject.tokens.refresh());
    await rejectionOf(subject.tokens.refresh());
    expect(first).toMatchObject({ code: 'internal', message: expect.stringMatching(/TypeError/) });
    expect(subject.tokens.getStatus().lastError?.code).toBe('internal');
    const logged = subject.logs.lines.filter((line) => /Unexpected exception/.test(line.message));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe('error');
    expect(logged[0]!.message).toMatch(/TypeError[\s\S]*at /); // the stack
    expect(fixture.fake.counters.logins).toBe(0);
  });

  it('gives a ZumRailsConfigError for forRoot(undefined)', async () => {
    const build = async () => {
      const module = ZumRailsAuthModule.forRoot(undefined as never);
      await Test.createTestingModule({ imports: [module] }).compile();
    };
    const error = await rejectionOf(build());
    expect(error).toBeInstanceOf(ZumRailsConfigError);
    expect(error).toMatchObject({ field: 'options' });
  });
});
