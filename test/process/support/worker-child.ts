/**
 * A worker as its own OS process (started by worker-process.ts through register-ts.mjs), the
 * way a CLI, cron job or queue worker uses the module: `NestFactory.createApplicationContext`,
 * one call, done. It never calls `process.exit`: the process must end by itself, and only
 * after the call completed. `WORKER_STYLE` picks how it is written:
 * - `then`: a promise chain (no top-level await), closing the app after the call;
 * - `await`: top-level await, leaving the app open after the call (an idle module);
 * - `idle`: top-level await, a token at bootstrap (`startup: 'blocking'`), no call at all.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ZumRailsAuthModule, ZumRailsClient } from '../../../lib/index.js';

const style = process.env.WORKER_STYLE;

@Module({
  imports: [
    ZumRailsAuthModule.forRoot({
      baseUrl: process.env.WORKER_BASE_URL,
      username: process.env.WORKER_USERNAME!,
      password: process.env.WORKER_PASSWORD!,
      startup: style === 'idle' ? 'blocking' : 'lazy',
      // Short backoffs keep the test fast; what matters is that only unref'd timers wait.
      loginRetry: { initialDelayMs: 300, maxDelayMs: 600 },
      apiRetry: { initialDelayMs: 300, maxDelayMs: 600 },
      revokeOnShutdown: false,
    }),
  ],
})
class WorkerModule {}

const boot = () => NestFactory.createApplicationContext(WorkerModule, { logger: ['error'] });
const report = (wallets: unknown[]) => console.log(`paid: ${wallets.length} wallets read`);

if (style === 'then') {
  void boot().then((app) =>
    app
      .get(ZumRailsClient)
      .get<unknown[]>('/api/wallet')
      .then(report)
      .then(() => app.close()),
  );
} else if (style === 'await') {
  const app = await boot();
  report(await app.get(ZumRailsClient).get<unknown[]>('/api/wallet'));
} else {
  await boot();
  console.log('idle');
}
