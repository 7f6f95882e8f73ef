import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { firstValueFrom } from 'rxjs';
import { ZUMRAILS_ERROR_CODES, ZumRailsClient, ZumRailsError } from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { startAuthApp, type AuthApp } from '../support/auth-app.js';
import { clearProxyEnv } from '../support/forward-proxy.js';
import { rejectionOf, secretForms } from '../support/zumrails-assertions.js';

const PROXY_USER = 'probe-egress';
const PROXY_PASSWORD = 'pr0be-pr0xy-Pa55';

/**
 * Probe: a forward proxy (or whatever answers in its place) that refuses with 407 and echoes
 * everything it got: the Proxy-Authorization header (Base64 of user:password), the login body
 * (the password), the Authorization header (the bearer). Neither the login's nor an API call's
 * error may carry any of it, and each is a ZumRailsError with a documented code.
 */
describe('probe: a hostile proxy echoing its credentials', () => {
  let fake: FakeZumRails;
  let proxy: Server;
  let refuse = false;
  let refusal = 407;
  let proxied = 0;
  let auth: AuthApp | undefined;
  let restoreEnv: () => void;

  beforeEach(async () => {
    restoreEnv = clearProxyEnv();
    fake = await FakeZumRails.start();
    refuse = false;
    refusal = 407;
    proxied = 0;
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        proxied++;
        if (refuse) return echo(req, body, res);
        const upstream = request(
          req.url!,
          { method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode!, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await auth?.app.close();
    auth = undefined;
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await fake.stop();
    restoreEnv();
  });

  function echo(req: IncomingMessage, body: Buffer, res: import('node:http').ServerResponse) {
    const said = `${req.headers['proxy-authorization']} ${req.headers.authorization} ${body}`;
    // The reason phrase echoes it too (only printable characters are allowed there).
    res.writeHead(refusal, `Echo ${said.replace(/[^\x20-\x7e]/g, '')}`, {
      'proxy-authenticate': 'Basic realm="probe"',
      'x-echo': encodeURIComponent(said),
      'content-type': 'application/json',
    });
    res.end(JSON.stringify({ isError: true, message: said, echo: body.toString('base64') }));
  }

  async function start(overrides = {}): Promise<AuthApp> {
    auth = await startAuthApp(fake, {
      ...overrides,
      revokeOnShutdown: false,
      apiRetry: false,
      transport: {
        proxy: {
          protocol: 'http',
          host: '127.0.0.1',
          port: (proxy.address() as AddressInfo).port,
          auth: { username: PROXY_USER, password: PROXY_PASSWORD },
        },
      },
    });
    return auth;
  }

  function expectClean(error: unknown, code?: string): void {
    expect(error).toBeInstanceOf(ZumRailsError);
    code ??= (error as ZumRailsError).code;
    expect((error as ZumRailsError).code).toBe(code);
    expect(proxied).toBeGreaterThan(0);
    expect(Object.keys(ZUMRAILS_ERROR_CODES)).toContain(code);
    const pair = `${PROXY_USER}:${PROXY_PASSWORD}`;
    const secrets = [PROXY_PASSWORD, Buffer.from(pair).toString('base64'), fake.password];
    secrets.push(...fake.issuedTokens());
    const cause = (error as { cause?: unknown }).cause;
    const texts = [
      String(error),
      String((error as Error).stack),
      JSON.stringify(error),
      inspect(error, { depth: Infinity, showHidden: true }),
      inspect(cause, { depth: Infinity, showHidden: true }),
      String((cause as Error | undefined)?.stack),
      auth!.logs.text(),
      inspect(auth!.events, { depth: Infinity }),
    ].join('\n');
    const found = secrets.flatMap((secret) =>
      [...secretForms(secret), Buffer.from(secret).toString('base64')].filter((form) =>
        texts.includes(form),
      ),
    );
    expect(found).toEqual([]);
  }

  it('at login', async () => {
    const app = await start();
    refuse = true;
    const error = await rejectionOf(app.app.get(ZumRailsClient).get('/api/wallet'));
    expectClean(error, 'blocked-by-intermediary');
  });

  it('on an API call, via the client and the Observable service', async () => {
    const app = await start();
    await app.app.get(ZumRailsClient).get('/api/wallet');
    refuse = true;
    const viaClient = await rejectionOf(app.app.get(ZumRailsClient).get('/api/wallet'));
    expectClean(viaClient, 'blocked-by-intermediary');
    const viaService = await rejectionOf(firstValueFrom(app.http.post('/api/transaction', {})));
    expectClean(viaService, 'blocked-by-intermediary');
  });

  it.each([401, 500, 502])(
    'an answer %i echoing everything in body, headers and reason phrase',
    async (status) => {
      refusal = status;
      const app = await start();
      await app.app.get(ZumRailsClient).get('/api/wallet');
      refuse = true;
      expectClean(await rejectionOf(app.app.get(ZumRailsClient).get('/api/wallet')));
      expectClean(await rejectionOf(firstValueFrom(app.http.post('/api/transaction', {}))));
      await app.app.close();
      const login = await start({ requestTimeoutMs: 300, tokenWaitTimeoutMs: 300 });
      expectClean(await rejectionOf(login.app.get(ZumRailsClient).get('/api/wallet')));
    },
  );
});
