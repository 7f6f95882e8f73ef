import { HttpService } from '@nestjs/axios';
import { NestFactory } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TokenService, ZumRailsHttpService, type ZumRailsTokenStatus } from 'nestjs-zumrails-auth';
import { FakeZumRails, type FakeZumRailsOptions } from 'nestjs-zumrails-auth/testing';
import { firstValueFrom } from 'rxjs';
import { checkAccountErrors, checkPayouts, settingsOf } from './accounts';
import { AppModule } from './app.module';
// Copied in from test/support/observable-parity by scripts/test-consumers.js.
import { checkObservableParity } from './observable-parity/check-parity.js';

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`consumer check failed: ${what}`);
  console.log(`  ok  ${what}`);
}

async function main(): Promise<void> {
  const entry = require.resolve('nestjs-zumrails-auth').replace(/\\/g, '/');
  check(entry.endsWith('/nestjs-zumrails-auth/dist/cjs/index.js'), 'require loads the CJS build');

  const fakeOptions: FakeZumRailsOptions = { username: 'consumer-user', password: 'consumer-pass' };
  const fake = await FakeZumRails.start(fakeOptions);
  const payouts = await FakeZumRails.start({ username: 'payouts-user', password: 'payouts-pass' });
  try {
    const app = await NestFactory.createApplicationContext(
      AppModule.register(settingsOf(fake), settingsOf(payouts)),
      { logger: ['error', 'warn', 'log'] },
    );
    let closed = false;
    try {
      const token = await app.get(TokenService).getToken();
      check(fake.isTokenValid(token), 'TokenService.getToken() returns a token the fake accepts');

      const response = await firstValueFrom(
        app.get(ZumRailsHttpService).get<{ result: unknown[] }>('/api/wallet'),
      );
      check(response.status === 200 && response.data.result.length > 0, 'GET /api/wallet is 200');
      const sent = fake.lastRequest('/api/wallet')?.headers.authorization;
      check(sent === `Bearer ${token}`, 'ZumRailsHttpService sent the bearer token');

      const status: ZumRailsTokenStatus = app.get(TokenService).getStatus();
      check(status.hasValidToken && fake.counters.logins === 1, 'one login for everything');
      const timers = app.get(SchedulerRegistry).getTimeouts();
      check(
        timers.some((name) => name.startsWith('zumrails-auth:')),
        "the renewal timer is in the app's SchedulerRegistry (one @nestjs/schedule instance)",
      );
      const payoutToken = await checkPayouts(app, { main: fake, payouts }, check);

      await app.close();
      closed = true;
      check(
        fake.counters.cancels === 1 && !fake.isTokenValid(token),
        'app.close() cancels the token',
      );
      check(
        payouts.counters.cancels === 1 && !payouts.isTokenValid(payoutToken),
        'app.close() cancels the payouts token at its own Zum Rails',
      );
    } finally {
      if (!closed) await app.close();
    }
    await checkAccountErrors(fake, check);
    // ZumRailsHttpService's makeObservable override against this app's own @nestjs/axios.
    await checkObservableParity(
      {
        stock: (instance) => new HttpService(instance),
        ours: (instance) => new ZumRailsHttpService(instance),
      },
      check,
    );
  } finally {
    await fake.stop();
    await payouts.stop();
  }
  console.log('consumer: all checks passed');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
