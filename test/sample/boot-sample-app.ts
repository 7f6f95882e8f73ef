import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { FakeZumRails } from '../../lib/testing/index.js';

/** The `<prefix>_*` variables that point one sample-app account at a fake Zum Rails. */
export function accountEnv(
  prefix: 'ZUMRAILS' | 'ZUMRAILS_PAYOUTS',
  fake: FakeZumRails,
  password = fake.password,
): Record<string, string> {
  return {
    [`${prefix}_ENVIRONMENT`]: '',
    [`${prefix}_BASE_URL`]: fake.url,
    [`${prefix}_USERNAME`]: fake.username,
    [`${prefix}_PASSWORD`]: password,
  };
}

/** The sample's AppModule in this process, on `env`, initialised as sample-app/main.ts does. */
export async function bootSampleApp(
  env: Record<string, string>,
  logger: LoggerService,
): Promise<INestApplication> {
  Object.assign(process.env, env);
  // The app module validates the environment when it is imported, as in production.
  const { AppModule } = await import('../../sample-app/app.module.js');
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .setLogger(logger)
    .compile();
  // As in sample-app/main.ts: the webhook guard needs the raw body.
  const app = moduleRef.createNestApplication({ rawBody: true });
  await app.init();
  return app;
}
