import type { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  TokenService,
  ZumRailsAuthModule,
  ZumRailsHttpService,
  type ZumRailsAuthOptions,
} from '../../lib/index.js';
import type { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from './log-capture.js';

export interface AuthApp {
  app: INestApplicationContext;
  tokens: TokenService;
  http: ZumRailsHttpService;
  logs: LogCapture;
}

/** Options pointing at a fake, with test-friendly defaults (no background login, fast waits). */
export function fakeOptions(
  fake: FakeZumRails,
  overrides: Partial<ZumRailsAuthOptions> = {},
): ZumRailsAuthOptions {
  return {
    baseUrl: fake.url,
    username: fake.username,
    password: fake.password,
    startup: 'lazy',
    requestTimeoutMs: 2_000,
    tokenWaitTimeoutMs: 3_000,
    ...overrides,
  };
}

/** Boots a Nest application context with ZumRailsAuthModule.forRoot() against a fake. */
export async function startAuthApp(
  fake: FakeZumRails,
  overrides: Partial<ZumRailsAuthOptions> = {},
  imports: ModuleMetadata['imports'] = [],
): Promise<AuthApp> {
  const logs = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    imports: [ZumRailsAuthModule.forRoot(fakeOptions(fake, overrides)), ...imports],
  })
    .setLogger(logs)
    .compile();
  const app = await moduleRef.init();
  return { app, tokens: app.get(TokenService), http: app.get(ZumRailsHttpService), logs };
}
