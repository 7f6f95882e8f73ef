import { afterEach, beforeEach } from '@jest/globals';
import type { ModuleMetadata } from '@nestjs/common';
import type { ZumRailsAuthOptions } from '../../lib/index.js';
import { FakeZumRails, type FakeZumRailsOptions } from '../../lib/testing/index.js';
import { startAuthApp, type AuthApp } from './auth-app.js';

/** A fresh FakeZumRails per test, and the apps a test starts against it, all closed after it. */
export interface FakeFixture {
  readonly fake: FakeZumRails;
  /** Boots ZumRailsAuthModule against the fake with the fixture's and the test's overrides. */
  start(
    overrides?: Partial<ZumRailsAuthOptions>,
    imports?: ModuleMetadata['imports'],
  ): Promise<AuthApp>;
}

/** Registers beforeEach/afterEach hooks in the calling describe block. */
export function useFakeZumRails(
  fakeOptions: FakeZumRailsOptions = {},
  appDefaults: Partial<ZumRailsAuthOptions> = {},
): FakeFixture {
  let fake: FakeZumRails | undefined;
  const apps: AuthApp[] = [];
  beforeEach(async () => {
    fake = await FakeZumRails.start(fakeOptions);
  });
  afterEach(async () => {
    // Closing twice is harmless: tests may close an app themselves to observe shutdown.
    for (const started of apps.splice(0)) await started.app.close();
    await fake?.stop();
    fake = undefined;
  });
  return {
    get fake(): FakeZumRails {
      if (!fake) throw new Error('the fake runs only inside a test');
      return fake;
    },
    async start(overrides = {}, imports = []) {
      const started = await startAuthApp(this.fake, { ...appDefaults, ...overrides }, imports);
      apps.push(started);
      return started;
    },
  };
}
