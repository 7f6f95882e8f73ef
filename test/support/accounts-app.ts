import type { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ZumRailsAuthModule, type ZumRailsAuthOptions } from '../../lib/index.js';
import { FakeZumRails, type FakeZumRailsOptions } from '../../lib/testing/index.js';
import { fakeOptions } from './auth-app.js';
import { LogCapture } from './log-capture.js';

/** One fake Zum Rails per account, each with its own credentials so a mix-up is a 401. */
export async function startFakes<Name extends string>(
  settings: Record<Name, FakeZumRailsOptions>,
): Promise<Record<Name, FakeZumRails>> {
  const fakes = {} as Record<Name, FakeZumRails>;
  for (const [name, options] of Object.entries(settings) as [Name, FakeZumRailsOptions][]) {
    fakes[name] = await FakeZumRails.start({
      username: `${name}-user`,
      password: `${name}-password`,
      ...options,
    });
  }
  return fakes;
}

/** `forRoot` of an account against its fake, `name` omitted for `'default'`. */
export function accountModule(
  name: string,
  fake: FakeZumRails,
  overrides: Partial<ZumRailsAuthOptions> & { isGlobal?: boolean } = {},
) {
  const options = fakeOptions(fake, overrides);
  return ZumRailsAuthModule.forRoot(name === 'default' ? options : { name, ...options });
}

/** Compiles and initialises a testing module with every log line captured. */
export async function startApp(
  metadata: ModuleMetadata,
  logs = new LogCapture(),
): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule(metadata).setLogger(logs).compile();
  return moduleRef.init();
}
