import { Module, type INestApplicationContext, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import {
  getTokenServiceToken,
  TokenService,
  ZumRailsAuthModule,
  ZumRailsConfigError,
  type ZumRailsAuthModuleOptions,
} from 'nestjs-zumrails-auth';
import type { FakeZumRails } from 'nestjs-zumrails-auth/testing';
import { firstValueFrom } from 'rxjs';
import { Payments, type ZumRailsSettings } from './app.module';

export type Check = (condition: unknown, what: string) => void;

export function settingsOf(fake: FakeZumRails): ZumRailsSettings {
  return { baseUrl: fake.url, username: fake.username, password: fake.password };
}

/** The named account `payouts`: its own token, bearer, timer; returns its token. */
export async function checkPayouts(
  app: INestApplicationContext,
  fakes: { main: FakeZumRails; payouts: FakeZumRails },
  check: Check,
): Promise<string> {
  const payments = app.get(Payments);
  check(
    payments.payoutTokens === app.get(getTokenServiceToken('payouts')) &&
      payments.tokens === app.get(TokenService) &&
      payments.tokens !== payments.payoutTokens,
    "@InjectTokenService('payouts') is getTokenServiceToken('payouts'), not TokenService",
  );
  const token = await payments.payoutTokens.getToken();
  check(
    fakes.payouts.isTokenValid(token) && !fakes.main.isTokenValid(token),
    'the payouts account logs in to its own Zum Rails',
  );
  await firstValueFrom(payments.payoutHttp.get('/api/wallet'));
  const sent = fakes.payouts.lastRequest('/api/wallet')?.headers.authorization;
  check(sent === `Bearer ${token}`, "@InjectZumRailsHttpService('payouts') sent its bearer");
  const calls = fakes.payouts.counters.apiCalls;
  await payments.payoutClient.get<unknown[]>('/api/wallet');
  check(
    fakes.payouts.counters.apiCalls === calls + 1 && fakes.main.counters.apiCalls === 1,
    "@InjectZumRailsClient('payouts') calls the payouts account's Zum Rails",
  );
  const timers = app.get(SchedulerRegistry).getTimeouts();
  check(
    timers.some((name) => name.startsWith('zumrails-auth:renewal:payouts:')),
    'the payouts account has its own renewal timer',
  );
  return token;
}

/** The field of the ZumRailsConfigError that stops an app with these imports from starting. */
async function startupErrorField(imports: ModuleMetadata['imports']) {
  @Module({ imports })
  class BrokenModule {}
  try {
    const app = await NestFactory.createApplicationContext(BrokenModule, {
      logger: false,
      abortOnError: false,
    });
    await app.close();
    return 'started';
  } catch (error) {
    return error instanceof ZumRailsConfigError ? error.field : String(error);
  }
}

/** The startup checks read Nest's scanned modules: prove them on this Nest version. */
export async function checkAccountErrors(fake: FakeZumRails, check: Check): Promise<void> {
  const options: ZumRailsAuthModuleOptions = { ...settingsOf(fake), startup: 'lazy' };
  const twice = await startupErrorField([
    ZumRailsAuthModule.forRoot({ name: 'payouts', ...options }),
    ZumRailsAuthModule.forRoot({ name: 'payouts', ...options }),
  ]);
  check(twice === 'name', 'two forRoot with the same name fail the start (ZumRailsConfigError)');
  @Module({ imports: [ZumRailsAuthModule] })
  class FeatureModule {}
  const bare = await startupErrorField([ZumRailsAuthModule.forRoot(options), FeatureModule]);
  check(bare === 'forRoot', 'a bare ZumRailsAuthModule import fails the start, saying what to write');
}
