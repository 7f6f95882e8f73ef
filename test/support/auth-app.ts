import type { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ZumRailsTokenService,
  ZumRailsAuthModule,
  ZumRailsHttpService,
  type ZumRailsAuthOptions,
  type ZumRailsTokenEvent,
} from '../../lib/index.js';
import type { FakeZumRails } from '../../lib/testing/index.js';
import { LogCapture } from './log-capture.js';

export interface AuthApp {
  app: INestApplicationContext;
  tokens: ZumRailsTokenService;
  http: ZumRailsHttpService;
  logs: LogCapture;
  /** Every event `tokens.events$` emitted since the app started. */
  events: ZumRailsTokenEvent[];
}

/** Where an app logs in: a FakeZumRails, or a test's own server with the credentials it expects. */
export type LoginTarget = Pick<FakeZumRails, 'url' | 'username' | 'password'>;

/** Options pointing at a fake, with test-friendly defaults (no background login, fast waits). */
export function fakeOptions(
  fake: LoginTarget,
  overrides: Partial<ZumRailsAuthOptions> = {},
): ZumRailsAuthOptions {
  return {
    baseUrl: fake.url,
    username: fake.username,
    password: fake.password,
    startup: 'lazy',
    requestTimeoutMs: 2_000,
    tokenWaitTimeoutMs: 3_000,
    // Test tokens live 2–4 s and renew about every second: raise the login budget (default
    // 10 a minute) explicitly. Tests of the budget itself set their own.
    maxLoginsPerMinute: 200,
    ...overrides,
  };
}

/** Boots a Nest application context with ZumRailsAuthModule.forRoot() against a fake. */
export async function startAuthApp(
  fake: LoginTarget,
  overrides: Partial<ZumRailsAuthOptions> = {},
  imports: ModuleMetadata['imports'] = [],
): Promise<AuthApp> {
  const logs = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    imports: [ZumRailsAuthModule.forRoot(fakeOptions(fake, overrides)), ...imports],
  })
    .setLogger(logs)
    .compile();
  const tokens = moduleRef.get(ZumRailsTokenService);
  const events: ZumRailsTokenEvent[] = [];
  tokens.events$.subscribe((event) => events.push(event));
  const app = await moduleRef.init();
  return { app, tokens, http: app.get(ZumRailsHttpService), logs, events };
}
