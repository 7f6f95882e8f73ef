import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ZumRailsAuthModule, type ZumRailsAuthOptions } from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { fakeOptions } from '../support/auth-app.js';
import { LogCapture } from '../support/log-capture.js';

let fake: FakeZumRails;
let app: INestApplicationContext | undefined;

beforeEach(async () => {
  fake = await FakeZumRails.start();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await fake.stop();
});

async function boot(imports: ModuleMetadata['imports']): Promise<LogCapture> {
  const logs = new LogCapture();
  const moduleRef = await Test.createTestingModule({ imports }).setLogger(logs).compile();
  app = await moduleRef.init();
  return logs;
}

/** Options as an untyped config source would produce them: a typo'd key among real ones. */
function withTypos(): ZumRailsAuthOptions {
  return { ...fakeOptions(fake), refreshLeadTime: 1_000, loginRetry: { maxDelay: 5 } } as never;
}

const WARNING =
  'unknown options refreshLeadTime: did you mean refreshLeadTimeMs?; loginRetry.maxDelay: did you mean loginRetry.maxDelayMs? (ignored)';

describe('unknown option keys', () => {
  it('forRoot warns once at startup, naming every unknown key and its closest option', async () => {
    const logs = await boot([ZumRailsAuthModule.forRoot(withTypos())]);
    const warnings = logs.lines.filter((line) => line.level === 'warn');
    expect(warnings.map((line) => line.message)).toEqual([`${WARNING} ZumRailsAuth`]);
  });

  it('forRootAsync warns the same way for what its factory returns', async () => {
    const logs = await boot([
      ZumRailsAuthModule.forRootAsync({ isGlobal: true, useFactory: async () => withTypos() }),
    ]);
    const warnings = logs.lines.filter((line) => line.level === 'warn');
    expect(warnings.map((line) => line.message)).toEqual([`${WARNING} ZumRailsAuth`]);
  });

  it('says nothing when every key is known (isGlobal is the module definition, not an option)', async () => {
    const logs = await boot([ZumRailsAuthModule.forRoot({ ...fakeOptions(fake), isGlobal: true })]);
    expect(logs.lines.filter((line) => line.level === 'warn')).toEqual([]);
  });
});
