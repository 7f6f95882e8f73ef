import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { ZumRailsClient } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { clearProxyEnv, ForwardProxy } from '../support/forward-proxy.js';
import { rejectionOf } from '../support/zumrails-assertions.js';

const PROXY_USER = 'egress-user';
const PROXY_PASSWORD = 'pr0xy-s3cret-do-not-echo';

describe('transport.proxy', () => {
  const fixture = useFakeZumRails();
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

  const proxyOption = (password = PROXY_PASSWORD) => ({
    protocol: 'http',
    host: '127.0.0.1',
    port: proxy.port,
    auth: { username: PROXY_USER, password },
  });

  it('carries the login, the API calls (ZumRailsHttpService and ZumRailsClient) and the cancel, with the proxy credentials for the proxy only', async () => {
    const { app, tokens, http } = await fixture.start({ transport: { proxy: proxyOption() } });
    await tokens.getToken();
    await firstValueFrom(http.get('/api/wallet'));
    await app.get(ZumRailsClient).post('/api/user/filter', {});
    await app.close();

    const base = fixture.fake.url;
    expect(proxy.seen.map(({ method, target }) => `${method} ${target}`)).toEqual([
      `POST ${base}/api/authorize`,
      `GET ${base}/api/wallet`,
      `POST ${base}/api/user/filter`,
      `PATCH ${base}/api/authorize/canceltoken`,
    ]);
    const basic = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`;
    expect(proxy.seen.map((request) => request.proxyAuthorization)).toEqual(
      proxy.seen.map(() => basic),
    );
    expect(fixture.fake.counters).toMatchObject({ logins: 1, apiCalls: 2, cancels: 1 });
    for (const request of fixture.fake.requests) {
      expect(request.headers['proxy-authorization']).toBeUndefined();
    }
  });

  it('with proxy: false, goes direct even when HTTP_PROXY is set', async () => {
    process.env.HTTP_PROXY = proxy.url;
    process.env.http_proxy = proxy.url;
    const { app, tokens, http } = await fixture.start({ transport: { proxy: false } });
    await tokens.getToken();
    await firstValueFrom(http.get('/api/wallet'));
    await app.close();

    expect(proxy.seen).toEqual([]);
    expect(fixture.fake.counters).toMatchObject({ logins: 1, apiCalls: 1, cancels: 1 });
  });

  it('without the option, honours HTTP_PROXY from the environment like axios does', async () => {
    const withAuth = new URL(proxy.url);
    withAuth.username = PROXY_USER;
    withAuth.password = PROXY_PASSWORD;
    process.env.HTTP_PROXY = withAuth.href;
    process.env.http_proxy = withAuth.href;
    const { tokens, http } = await fixture.start();
    await tokens.getToken();
    await firstValueFrom(http.get('/api/wallet'));

    expect(proxy.seen.map(({ method }) => method)).toEqual(['POST', 'GET']);
  });

  it('a proxy refusing the credentials fails login and API calls without showing them', async () => {
    proxy.echo = true;
    const { tokens, http } = await fixture.start({
      transport: { proxy: proxyOption('wrong-password-also-secret') },
    });
    const loginError = await rejectionOf(tokens.getToken());
    const apiError = await rejectionOf(
      firstValueFrom(http.get('/api/wallet', { zumRailsAuth: false })),
    );

    expect(fixture.fake.counters.logins).toBe(0);
    // The proxy refused, not Zum Rails: said so, without its echo (it may hold the credentials).
    expect(loginError).toMatchObject({ code: 'blocked-by-intermediary', status: 407 });
    expect((loginError as Error).message).toMatch(/proxy requires authentication/);
    expect((loginError as Error).message).not.toMatch(/Unexpected response from Zum Rails/);
    expect(apiError).toMatchObject({ name: 'ZumRailsHttpError', status: 407 });
    for (const error of [loginError, apiError]) {
      const shown = [
        String(error),
        JSON.stringify(error),
        inspect(error, { depth: 8 }),
        (error as Error).stack ?? '',
      ].join('\n');
      expect(shown).not.toContain('wrong-password-also-secret');
      // The Proxy-Authorization value, which a careless proxy echoes back.
      expect(shown).not.toContain(
        Buffer.from(`${PROXY_USER}:wrong-password-also-secret`).toString('base64'),
      );
    }
    // The echoed text itself is on the API error's response: only its secrets are gone.
    expect(inspect(apiError, { depth: 8 })).toContain('bad credentials');
  });

  it('credentials of an HTTP_PROXY URL are kept out of errors too', async () => {
    proxy.echo = true;
    const withAuth = new URL(proxy.url);
    withAuth.username = PROXY_USER;
    withAuth.password = 'env-password-also-secret';
    process.env.HTTP_PROXY = withAuth.href;
    const { tokens, http } = await fixture.start();
    const loginError = await rejectionOf(tokens.getToken());
    const apiError = await rejectionOf(
      firstValueFrom(http.get('/api/wallet', { zumRailsAuth: false })),
    );

    expect((loginError as Error).message).toMatch(/proxy requires authentication/);
    const shown = [loginError, apiError]
      .map((error) => [JSON.stringify(error), inspect(error, { depth: 8 })].join('\n'))
      .join('\n');
    expect(shown).toContain('bad credentials');
    expect(shown).not.toContain('env-password-also-secret');
    expect(shown).not.toContain(
      Buffer.from(`${PROXY_USER}:env-password-also-secret`).toString('base64'),
    );
  });
});
