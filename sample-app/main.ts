import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ConsoleLogger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FakeZumRails } from 'nestjs-zumrails-auth/testing';
import { startSampleMetrics } from './metrics/sample-metrics.js';
import { stopOnSignals } from './shutdown.js';

const ENV_FILE = 'sample-app/.env';

/** An account without credentials runs against an embedded fake Zum Rails: no account needed. */
async function startFakeWhenUnconfigured(prefix: string): Promise<FakeZumRails | undefined> {
  if (process.env[`${prefix}_USERNAME`]) return undefined;
  const name = prefix.toLowerCase().replaceAll('_', '-');
  const fake = await FakeZumRails.start({ username: `${name}-user`, password: `${name}-password` });
  Object.assign(process.env, {
    [`${prefix}_ENVIRONMENT`]: '', // the fake replaces any environment preset from .env
    [`${prefix}_BASE_URL`]: fake.url,
    [`${prefix}_USERNAME`]: fake.username,
    [`${prefix}_PASSWORD`]: fake.password,
  });
  console.log(
    `No ${prefix}_* credentials configured: started an embedded fake Zum Rails at ${fake.url}`,
  );
  return fake;
}

async function listen(app: INestApplication, port: number): Promise<void> {
  try {
    await app.listen(port, '127.0.0.1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(
        `Port ${port} is already in use. Run with another port, e.g.: PORT=3001 npm run sample`,
      );
      process.exit(1);
    }
    throw error;
  }
}

async function bootstrap(): Promise<void> {
  if (existsSync(ENV_FILE)) process.loadEnvFile(ENV_FILE);
  // The default account (ZUMRAILS_*) and the named account `payouts` (ZUMRAILS_PAYOUTS_*).
  const defaultFake = await startFakeWhenUnconfigured('ZUMRAILS');
  // With the fake, a throw-away webhook secret signs the demo webhook below.
  if (defaultFake) process.env.ZUMRAILS_WEBHOOK_SECRET = randomBytes(24).toString('base64');
  const fakes = [defaultFake, await startFakeWhenUnconfigured('ZUMRAILS_PAYOUTS')].filter(
    (fake) => fake !== undefined,
  );
  // Imported after the environment is final: ConfigModule validates it at import time.
  const { AppModule } = await import('./app.module.js');
  startSampleMetrics();
  // rawBody: the webhook guard verifies signatures on the bytes exactly as received.
  // LOG_FORMAT=json: one JSON object a line, the library's fields (event, attempt...) included.
  const json = process.env.LOG_FORMAT === 'json';
  const app = await NestFactory.create(AppModule, {
    rawBody: true,
    ...(json ? { logger: new ConsoleLogger({ json: true }) } : {}),
  });
  stopOnSignals(app, fakes); // Ctrl-C cancels the tokens at Zum Rails, then stops the fakes
  await listen(app, Number(process.env.PORT ?? 3000));
  // The bound port, which PORT=0 leaves to the system.
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  console.log(`\nSample app ready on ${base}\n`);
  console.log(`  curl ${base}/wallets    # GET /api/wallet through ZumRailsClient`);
  console.log(
    `  curl -X POST ${base}/transfers -H 'content-type: application/json' -H 'idempotency-key: order-42' -d '{"amount":12.5}'`,
  );
  console.log(`  curl ${base}/session    # who we are logged in as (never the token)`);
  console.log(`  curl '${base}/session?account=payouts'    # the same for the second account`);
  console.log(`  curl ${base}/health     # terminus health check of both accounts`);
  console.log(`  curl ${base}/metrics    # the OpenTelemetry metrics the library records`);
  if (defaultFake) await sendDemoWebhook(defaultFake, base);
  console.log('\nCtrl-C to stop (the tokens are cancelled on shutdown).');
}

/** Shows the webhook route at work: one signed webhook from the fake, its repeat, a forged one. */
async function sendDemoWebhook(fake: FakeZumRails, base: string): Promise<void> {
  const url = `${base}/webhooks/zumrails`;
  const event = {
    Type: 'Transaction',
    Event: 'StatusChange',
    Data: { Id: 'demo-transaction-1', TransactionStatus: 'Completed' },
  };
  const secret = process.env.ZUMRAILS_WEBHOOK_SECRET ?? '';
  const signed = await fake.sendWebhook(url, event, { secret });
  const repeat = await fake.sendWebhook(url, event, { secret });
  const forged = await fake.sendWebhook(url, event, { secret: 'not-the-secret' });
  console.log(
    `\n  POST ${url}: a signed webhook from the fake got ${signed.status}, a forged one ${forged.status}`,
  );
  const dropped = (repeat.body as { duplicate?: boolean } | undefined)?.duplicate === true;
  console.log(
    `  The same webhook again got ${repeat.status}${dropped ? ': dropped as a duplicate, the handler did not run' : ''}`,
  );
}

void bootstrap();
