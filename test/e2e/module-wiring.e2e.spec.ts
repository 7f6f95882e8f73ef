import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Interval, ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import {
  getTokenServiceToken,
  getZumRailsTokenServiceToken,
  InjectTokenService,
  TokenService,
  ZumRailsTokenService,
  ZumRailsAuthModule,
  ZumRailsConfigError,
  ZumRailsCredentialsRejectedError,
  type ZumRailsAuthAsyncOptions,
  type ZumRailsAuthOptions,
  type ZumRailsAuthOptionsFactory,
} from '../../lib/index.js';
import { ModuleLogger } from '../../lib/logging/module-logger.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { fakeOptions, startAuthApp } from '../support/auth-app.js';
import { LogCapture } from '../support/log-capture.js';
import { watchTimers } from '../support/live-timers.js';
import { rejectionOf, until } from '../support/zumrails-assertions.js';

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

async function boot(
  imports: NonNullable<Parameters<typeof Test.createTestingModule>[0]['imports']>,
) {
  const moduleRef = await Test.createTestingModule({ imports })
    .setLogger(new LogCapture())
    .compile();
  app = await moduleRef.init();
  return app;
}

describe('ZumRailsAuthModule wiring', () => {
  it('forRootAsync reads options from ConfigModule', async () => {
    const env = {
      ZUMRAILS_BASE_URL: fake.url,
      ZUMRAILS_USERNAME: fake.username,
      ZUMRAILS_PASSWORD: fake.password,
    };
    await boot([
      ZumRailsAuthModule.forRootAsync({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => env] })],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          baseUrl: config.getOrThrow<string>('ZUMRAILS_BASE_URL'),
          username: config.getOrThrow<string>('ZUMRAILS_USERNAME'),
          password: config.getOrThrow<string>('ZUMRAILS_PASSWORD'),
          startup: 'lazy',
        }),
      }),
    ]);
    expect(fake.isTokenValid(await app!.get(ZumRailsTokenService).getToken())).toBe(true);
  });

  it('forRootAsync accepts useClass', async () => {
    const url = fake.url;
    const { username, password } = fake;
    @Injectable()
    class OptionsFactory implements ZumRailsAuthOptionsFactory {
      createZumRailsAuthOptions(): ZumRailsAuthOptions {
        return { baseUrl: url, username, password, startup: 'lazy' };
      }
    }
    await boot([ZumRailsAuthModule.forRootAsync({ useClass: OptionsFactory })]);
    expect(fake.isTokenValid(await app!.get(ZumRailsTokenService).getToken())).toBe(true);
  });

  it('isGlobal makes ZumRailsTokenService injectable in every module', async () => {
    @Injectable()
    class Consumer {
      constructor(readonly tokens: ZumRailsTokenService) {}
    }
    @Module({ providers: [Consumer] })
    class FeatureModule {}
    // Typed as an app would name it: the exported type is what forRootAsync takes.
    const options: ZumRailsAuthAsyncOptions = {
      isGlobal: true,
      useFactory: () => fakeOptions(fake),
    };
    await boot([ZumRailsAuthModule.forRootAsync(options), FeatureModule]);
    expect(app!.get(Consumer).tokens).toBeInstanceOf(ZumRailsTokenService);
  });

  it("keeps its internal logger out of the app's DI: only the public services are exported", async () => {
    const compiling = Test.createTestingModule({
      imports: [
        ZumRailsAuthModule.forRoot({ ...fakeOptions(fake), webhookSecret: 'w'.repeat(32) }),
      ],
      providers: [{ provide: 'probe', useFactory: (l: unknown) => l, inject: [ModuleLogger] }],
    })
      .setLogger(new LogCapture())
      .compile();
    await expect(compiling).rejects.toThrow(/ModuleLogger/);
  });

  it('the deprecated names inject the very same services as the ZumRails-prefixed ones', async () => {
    @Injectable()
    class OldNames {
      constructor(
        readonly tokens: TokenService,
        @InjectTokenService('payouts') readonly payouts: TokenService,
      ) {}
    }
    @Module({ providers: [OldNames] })
    class FeatureModule {}
    await boot([
      ZumRailsAuthModule.forRoot({ ...fakeOptions(fake), isGlobal: true }),
      ZumRailsAuthModule.forRoot({ ...fakeOptions(fake), name: 'payouts', isGlobal: true }),
      FeatureModule,
    ]);
    const old = app!.get(OldNames);
    expect(old.tokens).toBe(app!.get(ZumRailsTokenService));
    expect(old.payouts).toBe(app!.get(getZumRailsTokenServiceToken('payouts')));
    expect(old.payouts).not.toBe(old.tokens);
    expect(app!.get(getTokenServiceToken('payouts'))).toBe(old.payouts);
  });

  it('fails at init with a ZumRailsConfigError naming the field, never the password', async () => {
    const bad = Test.createTestingModule({
      imports: [
        ZumRailsAuthModule.forRoot({
          ...fakeOptions(fake),
          username: '',
          password: 'hunter2-secret',
        }),
      ],
    })
      .setLogger(new LogCapture())
      .compile();
    const error = await rejectionOf(bad);
    expect(error).toBeInstanceOf(ZumRailsConfigError);
    expect((error as ZumRailsConfigError).field).toBe('username');
    expect(JSON.stringify(error) + String(error)).not.toContain('hunter2-secret');
  });

  it('blocking startup fails the app start on rejected credentials', async () => {
    const logs = new LogCapture();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ZumRailsAuthModule.forRoot(fakeOptions(fake, { startup: 'blocking', password: 'wrong' })),
      ],
    })
      .setLogger(logs)
      .compile();
    await expect(moduleRef.init()).rejects.toBeInstanceOf(ZumRailsCredentialsRejectedError);
    await moduleRef.close();
  });

  it('blocking startup holds bootstrap until the first token', async () => {
    fake.failLogin({ kind: 'delay', ms: 200 });
    await boot([ZumRailsAuthModule.forRoot(fakeOptions(fake, { startup: 'blocking' }))]);
    expect(app!.get(ZumRailsTokenService).getStatus().state).toBe('valid');
  });
});

describe('ZumRailsAuthModule and @nestjs/schedule', () => {
  @Injectable()
  class Ticker {
    readonly at: number[] = [];
    @Interval(100)
    tick(): void {
      this.at.push(performance.now());
    }
  }

  @Module({ providers: [Ticker] })
  class TickerModule {}

  it("uses the app's SchedulerRegistry and never runs the app's jobs twice", async () => {
    await boot([
      ScheduleModule.forRoot(),
      ZumRailsAuthModule.forRoot(fakeOptions(fake)),
      TickerModule,
    ]);
    await app!.get(ZumRailsTokenService).getToken();
    const registry = app!.get(SchedulerRegistry);
    const renewal = registry
      .getTimeouts()
      .filter((name) => name.startsWith('zumrails-auth:renewal'));
    expect(renewal).toHaveLength(1);
    expect((registry.getTimeout(renewal[0]!) as NodeJS.Timeout).hasRef()).toBe(false);
    const ticker = app!.get(Ticker);
    await until(() => ticker.at.length >= 6, 5_000, 'six ticks');
    // Run twice, the 100-ms job would tick in pairs about 0 ms apart; a loaded machine only
    // makes the gaps longer (setInterval never catches up).
    const gaps = ticker.at.slice(1).map((at, i) => at - ticker.at[i]!);
    expect(Math.min(...gaps)).toBeGreaterThan(50);
  });

  it('works without ScheduleModule and keeps one renewal timer, replaced not stacked', async () => {
    const timers = watchTimers();
    try {
      const { app: started, tokens } = await startAuthApp(fake);
      app = started;
      await tokens.getToken();
      // The renewal of a 1-hour token is due in about 55 minutes: the only timer that long.
      const [first, ...others] = timers.live(10 * 60_000);
      expect(others).toHaveLength(0);
      expect(first!.hasRef()).toBe(false);
      await tokens.refresh();
      await tokens.refresh();
      expect(tokens.getStatus().state).toBe('valid');
      expect(fake.counters.logins).toBe(3);
      const live = timers.live(10 * 60_000);
      expect(live).toHaveLength(1); // replaced, not stacked
      expect(live).not.toContain(first);
      await app.close();
      app = undefined;
      expect(timers.live(10 * 60_000)).toHaveLength(0);
    } finally {
      timers.stop();
    }
  });
});
