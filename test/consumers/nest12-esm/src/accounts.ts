import type { INestApplicationContext } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { getTokenServiceToken, TokenService } from 'nestjs-zumrails-auth';
import type { FakeZumRails } from 'nestjs-zumrails-auth/testing';
import { firstValueFrom } from 'rxjs';
import { Payments, type ZumRailsSettings } from './app.module.js';

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
  const timers = app.get(SchedulerRegistry).getTimeouts();
  check(
    timers.some((name) => name.startsWith('zumrails-auth:renewal:payouts:')),
    'the payouts account has its own renewal timer',
  );
  return token;
}
