import { afterEach, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { inspect } from 'node:util';
import {
  ZumRailsAuthModule,
  ZumRailsConfigError,
  ZumRailsWebhookGuard,
  ZumRailsWebhookModule,
  type ZumRailsWebhookModuleAsyncOptions,
} from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { fakeOptions, startAuthApp } from '../support/auth-app.js';
import { LogCapture } from '../support/log-capture.js';
import { rejectionOf } from '../support/zumrails-assertions.js';
import { startWebhookApp, type WebhookApp } from './support/webhook-app.js';

const SECRET = 'whsec-config-1b7e44d09c';
const EVENT = { Type: 'Transaction', Data: { Id: 'tx-7', TransactionStatus: 'Failed' } };

/** A config module of the app's own, as ConfigModule would be, for forRootAsync. */
const WEBHOOK_SECRET = Symbol('WEBHOOK_SECRET');
@Module({ providers: [{ provide: WEBHOOK_SECRET, useValue: SECRET }], exports: [WEBHOOK_SECRET] })
class SecretsConfigModule {}

describe('ZumRailsWebhookGuard configuration', () => {
  let fake: FakeZumRails | undefined;
  let hook: WebhookApp | undefined;

  afterEach(async () => {
    await hook?.app.close();
    await fake?.stop();
    hook = undefined;
    fake = undefined;
  });

  async function webhookModuleApp(rawBody = true): Promise<WebhookApp> {
    fake = await FakeZumRails.start();
    // Typed as an app would name it: the exported type is what forRootAsync takes.
    const options: ZumRailsWebhookModuleAsyncOptions = {
      isGlobal: true,
      imports: [SecretsConfigModule],
      inject: [WEBHOOK_SECRET],
      useFactory: (secret: string) => ({ secret }),
    };
    return startWebhookApp({ rawBody, imports: [ZumRailsWebhookModule.forRootAsync(options)] });
  }

  it('works with ZumRailsWebhookModule.forRootAsync and no ZumRailsAuthModule', async () => {
    hook = await webhookModuleApp();
    expect((await fake!.sendWebhook(hook.url, EVENT, { secret: SECRET })).status).toBe(200);
    expect((await fake!.sendWebhook(hook.url, EVENT, { secret: 'other' })).status).toBe(401);
    expect(hook.received.events).toEqual([EVENT]);
  });

  it('verifies a Buffer body left by a raw parser (as express.raw()) in an app without body parser', async () => {
    fake = await FakeZumRails.start();
    hook = await startWebhookApp({
      rawBody: false,
      expressRaw: true,
      imports: [ZumRailsWebhookModule.forRoot({ secret: SECRET, isGlobal: true })],
    });
    expect((await fake.sendWebhook(hook.url, EVENT, { secret: SECRET })).status).toBe(200);
    expect((await fake.sendWebhook(hook.url, EVENT, { secret: 'other' })).status).toBe(401);
    expect(hook.received.events).toEqual([EVENT]);
  });

  it('without rawBody: true answers 500 and logs one error saying what to add, once', async () => {
    hook = await webhookModuleApp(false);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const delivery = await fake!.sendWebhook(hook.url, EVENT, { secret: SECRET });
      expect(delivery.status).toBe(500);
      expect(delivery.body).toEqual({ statusCode: 500, message: 'Internal Server Error' });
    }
    expect(hook.received.events).toEqual([]);
    const errors = hook.logs.lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('NestFactory.create(AppModule, { rawBody: true })');
    expect(hook.logs.text()).not.toContain(SECRET);
  });

  it('refuses the webhook event decorator on a route without the guard', async () => {
    hook = await webhookModuleApp();
    const unguarded = hook.url.replace('/zumrails', '/unguarded');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect((await fake!.sendWebhook(unguarded, EVENT, { secret: SECRET })).status).toBe(500);
    }
    expect(hook.received.events).toEqual([]);
    expect(hook.logs.text()).toContain('add @UseGuards(ZumRailsWebhookGuard)');
  });

  it("logs through ZumRailsAuthModule's logger option, as one structured record", async () => {
    fake = await FakeZumRails.start();
    const moduleLogs = new LogCapture();
    hook = await startWebhookApp({
      imports: [
        ZumRailsAuthModule.forRoot({
          ...fakeOptions(fake, { webhookSecret: SECRET, logger: moduleLogs }),
          isGlobal: true,
        }),
      ],
    });
    expect((await fake.sendWebhook(hook.url, EVENT, { secret: 'other' })).status).toBe(401);
    const rejected = moduleLogs.lines.filter((line) => line.fields?.event === 'webhook-rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({
      level: 'warn',
      fields: { route: 'POST /webhooks/zumrails', reason: 'bad-signature' },
    });
    expect(hook.logs.text()).not.toContain('Rejected a Zum Rails webhook');
    expect(moduleLogs.text()).not.toContain(SECRET);
  });

  it("takes the default account's secret beside a named account, and refuses one on a named account", async () => {
    fake = await FakeZumRails.start();
    hook = await startWebhookApp({
      imports: [
        ZumRailsAuthModule.forRoot({
          ...fakeOptions(fake, { webhookSecret: SECRET }),
          isGlobal: true,
        }),
        ZumRailsAuthModule.forRoot({ ...fakeOptions(fake), name: 'payouts', isGlobal: true }),
      ],
    });
    expect((await fake.sendWebhook(hook.url, EVENT, { secret: SECRET })).status).toBe(200);
    await hook.app.close();
    hook = undefined;
    // Without a guard in the app, the named account's own check speaks.
    const named = await rejectionOf(
      startAuthApp(fake, {}, [
        ZumRailsAuthModule.forRoot({
          ...fakeOptions(fake, { webhookSecret: SECRET }),
          name: 'payouts',
        }),
      ]),
    );
    expect(named).toBeInstanceOf(ZumRailsConfigError);
    expect((named as Error).message).toContain('default account only');
    expect((named as Error).message).not.toContain(SECRET);
    // With one, whichever fails first says a named account gives the guard no secret.
    const guarded = await rejectionOf(
      startWebhookApp({
        imports: [
          ZumRailsAuthModule.forRoot({
            ...fakeOptions(fake, { webhookSecret: SECRET }),
            name: 'payouts',
            isGlobal: true,
          }),
        ],
      }),
    );
    expect((guarded as Error).message).toMatch(
      /default account only|a named account never provides one/,
    );
    expect((guarded as Error).message).not.toContain(SECRET);
  });

  it('fails the start when the guard has no secret, saying where to set one', async () => {
    fake = await FakeZumRails.start();
    const error = await rejectionOf(
      startWebhookApp({
        imports: [ZumRailsAuthModule.forRoot({ ...fakeOptions(fake), isGlobal: true })],
      }),
    );
    expect(error).toBeInstanceOf(ZumRailsConfigError);
    expect((error as ZumRailsConfigError).field).toBe('webhookSecret');
    expect((error as Error).message).toContain('ZumRailsWebhookModule.forRoot({ secret })');
  });

  it('fails the start when the secret is set in both modules', async () => {
    fake = await FakeZumRails.start();
    const error = await rejectionOf(
      startWebhookApp({
        imports: [
          ZumRailsAuthModule.forRoot({
            ...fakeOptions(fake, { webhookSecret: SECRET }),
            isGlobal: true,
          }),
          ZumRailsWebhookModule.forRoot({ secret: SECRET, isGlobal: true }),
        ],
      }),
    );
    expect((error as Error).message).toContain('keep one');
    expect((error as Error).message).not.toContain(SECRET);
  });

  it.each([
    ['an empty string', '', 'webhookSecret'],
    ['a trailing newline', `${SECRET}\n`, 'webhookSecret'],
    ['an empty array', [], 'webhookSecret'],
    ['an array with a number', [SECRET, 7], 'webhookSecret[1]'],
  ])('rejects %s as webhookSecret without echoing it', async (_, webhookSecret, field) => {
    fake = await FakeZumRails.start();
    const error = await rejectionOf(
      startWebhookApp({
        imports: [
          ZumRailsAuthModule.forRoot({
            ...fakeOptions(fake, { webhookSecret: webhookSecret as string }),
            isGlobal: true,
          }),
        ],
      }),
    );
    expect(error).toBeInstanceOf(ZumRailsConfigError);
    expect((error as ZumRailsConfigError).field).toBe(field);
    for (const shown of [(error as Error).message, JSON.stringify(error), inspect(error)]) {
      expect(shown).not.toContain(SECRET);
    }
  });

  it('never shows the secret when the guard is inspected or serialised', async () => {
    hook = await webhookModuleApp();
    const guard = hook.app.get(ZumRailsWebhookGuard, { strict: false });
    expect(guard).toBeInstanceOf(ZumRailsWebhookGuard);
    expect(inspect(guard, { depth: 10, showHidden: true })).not.toContain(SECRET);
    expect(JSON.stringify(guard)).not.toContain(SECRET);
  });
});

describe("what ZumRailsAuthModule exports into the app's DI for the guard", () => {
  it('is one private token: its logger and webhook internals stay inside', async () => {
    const { Test } = await import('@nestjs/testing');
    const { ModuleLogger } = await import('../../lib/logging/module-logger.js');
    const { AUTH_MODULE_WEBHOOK_SECRETS, AUTH_MODULE_WEBHOOK } =
      await import('../../lib/webhooks/webhook-secrets.js');
    const probes = [ModuleLogger, AUTH_MODULE_WEBHOOK_SECRETS, AUTH_MODULE_WEBHOOK];
    const moduleRef = await Test.createTestingModule({
      imports: [
        ZumRailsAuthModule.forRoot({
          baseUrl: 'http://127.0.0.1:9',
          username: 'u',
          password: 'p',
          startup: 'lazy',
          webhookSecret: SECRET,
        }),
      ],
      providers: [
        {
          provide: 'seen',
          useFactory: (...seen: unknown[]) => seen.map((value) => value !== undefined),
          inject: probes.map((token) => ({ token, optional: true })),
        },
      ],
    }).compile();
    try {
      expect(moduleRef.get('seen')).toEqual([false, false, true]);
    } finally {
      await moduleRef.close();
    }
  });
});
