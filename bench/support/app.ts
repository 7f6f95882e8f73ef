import 'reflect-metadata';
import type { Agent } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import {
  ZumRailsTokenService,
  ZumRailsAuthModule,
  ZumRailsClient,
  ZumRailsHttpService,
  type ZumRailsAuthOptions,
} from 'nestjs-zumrails-auth';
import { firstValueFrom } from 'rxjs';
import { API_PATH } from './clients.js';
import type { FakeHost } from './fake-host.js';

/** A Nest application context wired the way the README tells users to wire it. */
export interface BenchApp {
  readonly app: INestApplicationContext;
  readonly http: ZumRailsHttpService;
  readonly tokens: ZumRailsTokenService;
  readonly registry: SchedulerRegistry;
  /** One GET of {@link API_PATH} the way users call it: `firstValueFrom(http.get(...))`. */
  readonly get: () => Promise<unknown>;
  /** The same GET through the promise client users inject: `client.get(path)` (resolves `result`). */
  readonly clientGet: () => Promise<unknown>;
  /** Timeouts the library holds in the app's SchedulerRegistry. */
  libraryTimers(): number;
  /** Points the service's axios instance at another agent (cold-herd's warm wave). */
  useAgent(agent: Agent): void;
}

class BenchAppModule {}

/**
 * `ScheduleModule.forRoot()` + `ZumRailsAuthModule.forRoot(...)` in a
 * `NestFactory.createApplicationContext`, logger off. Defaults apart from `overrides`; `agent`,
 * when given, is set with the public `transport.httpAgent` option (login and API calls),
 * else the module's own keep-alive agent serves both.
 */
export async function startApp(
  fake: FakeHost,
  agent: Agent | undefined,
  overrides: Partial<ZumRailsAuthOptions> = {},
): Promise<BenchApp> {
  const app = await NestFactory.createApplicationContext(
    {
      module: BenchAppModule,
      imports: [
        ScheduleModule.forRoot(),
        ZumRailsAuthModule.forRoot({
          baseUrl: fake.url,
          username: fake.username,
          password: fake.password,
          ...(agent ? { transport: { httpAgent: agent } } : {}),
          ...overrides,
        }),
      ],
    },
    { logger: false, abortOnError: false },
  );
  const http = app.get(ZumRailsHttpService);
  const registry = app.get(SchedulerRegistry);
  const client = app.get(ZumRailsClient);
  const bench: BenchApp = {
    app,
    http,
    tokens: app.get(ZumRailsTokenService),
    registry,
    get: () => firstValueFrom(http.get(API_PATH)),
    clientGet: () => client.get(API_PATH),
    libraryTimers: () => registry.getTimeouts().filter((n) => n.startsWith('zumrails-auth')).length,
    useAgent: (next) => void (http.axiosRef.defaults.httpAgent = next),
  };
  return bench;
}
