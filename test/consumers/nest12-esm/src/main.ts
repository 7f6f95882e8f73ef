import { NestFactory } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TokenService, ZumRailsHttpService, type ZumRailsTokenStatus } from 'nestjs-zumrails-auth';
import { FakeZumRails, type FakeZumRailsOptions } from 'nestjs-zumrails-auth/testing';
import { firstValueFrom } from 'rxjs';
import { AppModule } from './app.module.js';

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`consumer check failed: ${what}`);
  console.log(`  ok  ${what}`);
}

const entry = import.meta.resolve('nestjs-zumrails-auth');
check(entry.endsWith('/nestjs-zumrails-auth/dist/esm/index.js'), `import loads the ESM build`);

const fakeOptions: FakeZumRailsOptions = { username: 'consumer-user', password: 'consumer-pass' };
const fake = await FakeZumRails.start(fakeOptions);
try {
  const app = await NestFactory.createApplicationContext(
    AppModule.register({ baseUrl: fake.url, username: fake.username, password: fake.password }),
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

    await app.close();
    closed = true;
    check(fake.counters.cancels === 1 && !fake.isTokenValid(token), 'app.close() cancels the token');
  } finally {
    if (!closed) await app.close();
  }
} finally {
  await fake.stop();
}
console.log('consumer: all checks passed');
