import 'reflect-metadata';
import { existsSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FakeZumRails } from 'nestjs-zumrails-auth/testing';

const ENV_FILE = 'sample-app/.env';

/** Without credentials, the sample runs against an embedded fake Zum Rails: no account needed. */
async function startFakeWhenUnconfigured(): Promise<FakeZumRails | undefined> {
  if (existsSync(ENV_FILE)) process.loadEnvFile(ENV_FILE);
  if (process.env.ZUMRAILS_USERNAME) return undefined;
  const fake = await FakeZumRails.start();
  Object.assign(process.env, {
    ZUMRAILS_ENVIRONMENT: '', // the fake replaces any environment preset from .env
    ZUMRAILS_BASE_URL: fake.url,
    ZUMRAILS_USERNAME: fake.username,
    ZUMRAILS_PASSWORD: fake.password,
  });
  console.log(
    `No ZUMRAILS_* credentials configured: started an embedded fake Zum Rails at ${fake.url}`,
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
  const fake = await startFakeWhenUnconfigured();
  // Imported after the environment is final: ConfigModule validates it at import time.
  const { AppModule } = await import('./app.module.js');
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks(); // Ctrl-C cancels the token at Zum Rails
  if (fake) process.once('beforeExit', () => void fake.stop());
  const port = Number(process.env.PORT ?? 3000);
  await listen(app, port);
  const base = `http://127.0.0.1:${port}`;
  console.log(`\nSample app ready on ${base}\n`);
  console.log(`  curl ${base}/wallets    # GET /api/wallet through ZumRailsHttpService`);
  console.log(`  curl ${base}/session    # who we are logged in as (never the token)`);
  console.log(`  curl ${base}/health     # terminus health check with ZumRailsHealthIndicator`);
  console.log('\nCtrl-C to stop (the token is cancelled on shutdown).');
}

void bootstrap();
