import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ApplicationConfig, ModuleRef, ModulesContainer } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import {
  ZumRailsInMemoryTokenStore,
  ZumRailsClient,
  ZumRailsHealthIndicator,
  ZumRailsWebhookGuard,
} from '../../lib/index.js';
import { WebhookSecrets } from '../../lib/webhooks/webhook-secrets.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { clearProxyEnv, ForwardProxy } from '../support/forward-proxy.js';
import { expectNoSecrets, rejectionOf, secretsOf } from '../support/zumrails-assertions.js';

const PROXY_USER = 'probe-proxy-user';
const PROXY_PASSWORD = 'probe-proxy-pa55word';
const WEBHOOK_SECRET = 'whsec-probe-1f2e3d4c5b6a';
const ENCRYPTION_KEY = randomBytes(32).toString('base64');

/**
 * Probe: an app that logs what the library hands it (a service, an error, an event, a status,
 * its options) with util.inspect, console.log or JSON.stringify must never print a secret.
 * Every provider of every module of the library is rendered, found through Nest's container,
 * so an injectable added later is covered without touching this file.
 */
describe('probe: nothing inspectable holds a secret', () => {
  const fixture = useFakeZumRails({}, { revokeOnShutdown: false });
  let proxy: ForwardProxy;
  let restoreEnv: () => void;

  beforeEach(async () => {
    restoreEnv = clearProxyEnv();
    proxy = await ForwardProxy.start(`${PROXY_USER}:${PROXY_PASSWORD}`);
  });
  afterEach(async () => {
    restoreEnv();
    await proxy.stop();
  });

  it('every provider, error, event, status and health answer of a busy app', async () => {
    const subject = await fixture.start({
      webhookSecret: WEBHOOK_SECRET,
      store: new ZumRailsInMemoryTokenStore(),
      storeEncryptionKey: ENCRYPTION_KEY,
      transport: {
        proxy: {
          protocol: 'http',
          host: '127.0.0.1',
          port: proxy.port,
          auth: { username: PROXY_USER, password: PROXY_PASSWORD },
        },
      },
    });
    const { app, tokens, http } = subject;
    const client = app.get(ZumRailsClient);
    // Tokens in play: one current, one cancelled, one refreshed.
    await firstValueFrom(http.get('/api/wallet'));
    await tokens.cancelToken();
    await client.get('/api/wallet');
    await tokens.refresh();
    // An error of each family the app may catch and log.
    fixture.fake.failApi({ kind: 'status', status: 500 });
    const httpError = await rejectionOf(firstValueFrom(http.post('/api/transaction', { a: 1 })));
    fixture.fake.failApi({ kind: 'status', status: 400 });
    const apiError = await rejectionOf(client.post('/api/transaction', { a: 1 }));
    const crossOrigin = await rejectionOf(firstValueFrom(http.get('http://127.0.0.1:9/x')));
    fixture.fake.failLogin({ kind: 'status', status: 503 });
    const loginError = await rejectionOf(tokens.refresh());
    fixture.fake.failLogin({ kind: 'status', status: 401 });
    const rejected = await rejectionOf(tokens.refresh());

    const providers: Record<string, unknown> = {};
    for (const [, module] of app.get(ModulesContainer)) {
      if (!module.name.startsWith('ZumRails')) continue; // the library's modules, not Nest's
      for (const [key, wrapper] of module.providers) {
        const name = typeof key === 'function' ? key.name : String(key);
        // Nest's own in every module: the module reference (the whole app) and config.
        if (key === ModuleRef || key === ApplicationConfig || key === module.metatype) continue;
        // The options object the app itself wrote and passed to forRoot holds what it was given.
        if (name === 'Symbol(ZUMRAILS_AUTH_OPTIONS)') continue;
        if (wrapper.instance && !providers[name]) providers[name] = wrapper.instance;
      }
    }
    // Guards are built per route, not providers: build one on the module's webhook secrets.
    const webhookSecrets = Object.values(providers).find(
      (instance): instance is WebhookSecrets => instance instanceof WebhookSecrets,
    );
    expect(webhookSecrets).toBeDefined();
    const health = await app.get(ZumRailsHealthIndicator).isHealthy();
    const secrets = [
      ...secretsOf(fixture.fake),
      WEBHOOK_SECRET,
      ENCRYPTION_KEY,
      PROXY_PASSWORD,
      Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64'),
    ];
    await expectNoSecrets(secrets, {
      errors: [httpError, apiError, crossOrigin, loginError, rejected],
      app: subject,
      health: true,
      values: {
        ...providers,
        health,
        guard: new ZumRailsWebhookGuard(undefined, webhookSecrets),
        http,
        client,
        tokens,
        axiosDefaults: http.axiosRef.defaults,
      },
    });
  });
});
