import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Post, UseGuards, type INestApplicationContext } from '@nestjs/common';
import { ApplicationConfig, ModuleRef, ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Console } from 'node:console';
import { inspect } from 'node:util';
import {
  ZumRailsInMemoryTokenStore,
  ZumRailsTokenService,
  ZumRailsAuthError,
  ZumRailsAuthModule,
  ZumRailsClient,
  ZumRailsHealthIndicator,
  ZumRailsHttpService,
  ZumRailsWebhookGuard,
  type ZumRailsAuthOptions,
  type ZumRailsTokenEvent,
} from '../../lib/index.js';
import { ZUMRAILS_AUTH_OPTIONS } from '../../lib/options/account-name.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { ZumRailsAuthAccountModule } from '../../lib/zumrails-auth.definition.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { fakeOptions } from '../support/auth-app.js';
import { clearProxyEnv, ForwardProxy } from '../support/forward-proxy.js';
import { LogCapture } from '../support/log-capture.js';
import { expectNoSecrets, rejectionOf } from '../support/zumrails-assertions.js';

// Planted, recognisable secrets: each must show up nowhere, whatever renders what.
const PASSWORD = 'Planted-Pa55word-7731';
const PROXY_USER = 'egress-user';
const PROXY_PASSWORD = 'Planted-Pr0xy-4412';
const WEBHOOK_SECRET = 'whsec-planted-0099';
const STORE_KEY_BYTES = Buffer.from('planted store key, 32 bytes long');
const STORE_KEY = STORE_KEY_BYTES.toString('hex');

/** Every form the planted secrets may take once the library holds them. */
function planted(fake: FakeZumRails): string[] {
  const basic = Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64');
  return [
    PASSWORD,
    PROXY_PASSWORD,
    basic,
    WEBHOOK_SECRET,
    STORE_KEY,
    STORE_KEY_BYTES.toString('base64'),
    // How util.inspect prints the decoded key's first bytes: `<Buffer 70 6c 61 ...>`.
    [...STORE_KEY_BYTES.subarray(0, 6)].map((byte) => byte.toString(16)).join(' '),
    ...fake.issuedTokens(),
  ];
}

@Controller()
class HookController {
  @Post('hook')
  @UseGuards(ZumRailsWebhookGuard)
  hook(): void {}
}

function failureOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** What `console.log(value)` prints, through a real Console. */
function consoleLogOf(value: unknown): string {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk.toString('utf8');
      done();
    },
  });
  new Console({ stdout: sink, stderr: sink }).log(value);
  return out;
}

/** Every rendering a test checks, per value: JSON, inspect (deep, hidden too) and console.log. */
function renderings(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    out[`JSON.stringify(${name})`] = JSON.stringify(value) ?? 'undefined';
    out[`inspect(${name})`] = inspect(value);
    out[`inspect(${name}, deep)`] = inspect(value, { depth: Infinity, showHidden: true });
    out[`console.log(${name})`] = consoleLogOf(value);
  }
  return out;
}

describe('nothing inspectable holds a secret', () => {
  let fake: FakeZumRails;
  let proxy: ForwardProxy;
  let restoreEnv: () => void;
  const apps: INestApplicationContext[] = [];

  beforeEach(async () => {
    restoreEnv = clearProxyEnv();
    fake = await FakeZumRails.start({ password: PASSWORD });
    proxy = await ForwardProxy.start(`${PROXY_USER}:${PROXY_PASSWORD}`);
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await proxy.stop();
    await fake.stop();
    restoreEnv();
  });

  async function boot(overrides: Partial<ZumRailsAuthOptions> = {}) {
    const logs = new LogCapture();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ZumRailsAuthModule.forRoot(
          fakeOptions(fake, {
            webhookSecret: WEBHOOK_SECRET,
            store: new ZumRailsInMemoryTokenStore(),
            storeEncryptionKey: STORE_KEY,
            revokeOnShutdown: false,
            transport: {
              proxy: {
                protocol: 'http',
                host: '127.0.0.1',
                port: proxy.port,
                auth: { username: PROXY_USER, password: PROXY_PASSWORD },
              },
            },
            ...overrides,
          }),
        ),
      ],
      controllers: [HookController],
    })
      .setLogger(logs)
      .compile();
    const events: ZumRailsTokenEvent[] = [];
    moduleRef.get(ZumRailsTokenService).events$.subscribe((event) => events.push(event));
    const app = await moduleRef.init();
    apps.push(app);
    return { app, logs, events };
  }

  it('shows no secret in any injectable of a module that logged in through a proxy', async () => {
    const { app, logs, events } = await boot();
    const client = app.get(ZumRailsClient);
    await client.get('/api/wallet');
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(fake.issuedTokens()).toHaveLength(1);
    const health = app.get(ZumRailsHealthIndicator);
    const tokens = app.get(ZumRailsTokenService);
    const http = app.get(ZumRailsHttpService);
    const values: Record<string, unknown> = {
      tokenService: tokens,
      httpService: http,
      'httpService.axiosRef': http.axiosRef,
      client,
      health,
      guard: app.get(ZumRailsWebhookGuard, { strict: false }),
      healthAnswer: await health.isHealthy(),
      status: tokens.getStatus(),
      session: tokens.getSession(),
      events,
      logs: logs.text(),
    };
    // Every provider of the module, private ones too: an app inspecting its container reaches
    // them. The options as the app wrote them are the app's own object; the rest is Nest's.
    const NOT_OURS: unknown[] = [
      ZUMRAILS_AUTH_OPTIONS,
      ModuleRef,
      ApplicationConfig,
      ZumRailsAuthAccountModule,
    ];
    const modules = [...app.get(ModulesContainer).values()];
    for (const module of modules.filter((entry) => entry.metatype === ZumRailsAuthAccountModule)) {
      for (const [token, wrapper] of module.providers) {
        if (NOT_OURS.includes(token)) continue;
        values[`provider ${String((token as { name?: string }).name ?? token)}`] = wrapper.instance;
      }
    }
    expect(Object.keys(values).length).toBeGreaterThan(20);
    const shown = renderings(values);
    expect(shown['inspect(tokenService)']).toBe(
      "ZumRailsTokenService { account: 'default', state: 'valid' }",
    );
    expect(shown['JSON.stringify(httpService)']).toBe(`{"baseURL":"${fake.url}"}`);
    expect(shown['inspect(provider Symbol(ZUMRAILS_AUTH_RESOLVED_OPTIONS), deep)']).toContain(
      "password: '[REDACTED]'",
    );

    await expectNoSecrets(planted(fake), { values: shown });
  });

  it('shows no secret in the store an app handed to the module', async () => {
    const store = new ZumRailsInMemoryTokenStore();
    await boot({ storeEncryptionKey: undefined, store });
    const { app } = await boot({ storeEncryptionKey: undefined, store });
    await app.get(ZumRailsTokenService).getToken();
    await expectNoSecrets(planted(fake), { values: renderings({ store }) });
  });

  it('shows no secret in the errors of real failures, their causes included', async () => {
    const { app } = await boot();
    const client = app.get(ZumRailsClient);
    await client.get('/api/wallet');
    const errors: unknown[] = [];
    // An API error envelope echoing the password.
    fake.failApi({
      kind: 'status',
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: { statusCode: 400, isError: true, message: `bad ${PASSWORD}`, result: null },
    });
    errors.push(await rejectionOf(client.post('/api/transaction', { note: 'first' })));
    // A transport failure of a POST: axios' error carries the bearer and the body.
    fake.failApi({ kind: 'reset' }, 3);
    errors.push(await rejectionOf(client.post('/api/transaction', { note: 'second' })));
    // Failed logins (axios' error of a reset one carries the password), a request to another
    // origin, a configuration with swapped settings, a token asked for after shutdown.
    const tokens = app.get(ZumRailsTokenService);
    fake.failLogin({ kind: 'html', status: 200 });
    errors.push(await rejectionOf(tokens.refresh()));
    fake.failLogin({ kind: 'reset' });
    errors.push(await rejectionOf(tokens.refresh()));
    fake.failLogin({ kind: 'status', status: 401 });
    errors.push(await rejectionOf(tokens.refresh()));
    fake.failLogin({ kind: 'rate-limited', retryAfterSeconds: 1 });
    errors.push(await rejectionOf((await boot()).app.get(ZumRailsTokenService).refresh()));
    errors.push(await rejectionOf(client.get('http://127.0.0.2:1/api/wallet')));
    errors.push(
      failureOf(() =>
        resolveOptions({ environment: PASSWORD as 'sandbox', username: 'u', password: PASSWORD }),
      ),
    );
    await app.close();
    errors.push(await rejectionOf(tokens.getToken()));
    expect(errors.map((error) => (error as Error).name)).toEqual([
      'ZumRailsApiError',
      'ZumRailsHttpError',
      'ZumRailsBadResponseError',
      'ZumRailsUnavailableError',
      'ZumRailsCredentialsRejectedError',
      'ZumRailsRateLimitedError',
      'ZumRailsCrossOriginError',
      'ZumRailsConfigError',
      'ZumRailsShutDownError',
    ]);
    await expectNoSecrets(planted(fake), {
      errors,
      values: renderings(Object.fromEntries(errors.map((error, i) => [`error ${i}`, error]))),
    });
  });
});

describe('nothing inspectable holds a secret when the login fails in transport', () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('keeps the AxiosError (request body with the password) out of the error and its causes', async () => {
    server = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const moduleRef = await Test.createTestingModule({
      imports: [
        ZumRailsAuthModule.forRoot(
          fakeOptions({ url, username: 'user', password: PASSWORD }, { revokeOnShutdown: false }),
        ),
      ],
    })
      .setLogger(new LogCapture())
      .compile();
    const app = await moduleRef.init();
    try {
      const error = await rejectionOf(app.get(ZumRailsTokenService).refresh());
      expect(error).toBeInstanceOf(ZumRailsAuthError);
      await expectNoSecrets([PASSWORD], { errors: [error], values: renderings({ error }) });
    } finally {
      await app.close();
    }
  });
});
