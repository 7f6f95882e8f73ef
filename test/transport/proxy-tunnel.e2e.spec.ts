import { Agent } from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { ForwardProxy } from '../support/forward-proxy.js';

const PROXY_USER = 'egress-user';
const PROXY_PASSWORD = 'tunnel-s3cret-do-not-echo';

describe('transport.proxy with an https baseUrl', () => {
  const fixture = useFakeZumRails({ tls: true });
  let proxy: ForwardProxy;
  let agent: Agent;

  beforeEach(async () => {
    proxy = await ForwardProxy.start(`${PROXY_USER}:${PROXY_PASSWORD}`);
    agent = new Agent({ keepAlive: true, ca: fixture.fake.ca });
  });
  afterEach(async () => {
    agent.destroy();
    await proxy.stop();
  });

  it('tunnels login, API calls and cancel with CONNECT, TLS end to end with the agent CA', async () => {
    const { app, tokens, http } = await fixture.start({
      transport: {
        httpsAgent: agent,
        proxy: {
          protocol: 'http',
          host: '127.0.0.1',
          port: proxy.port,
          auth: { username: PROXY_USER, password: PROXY_PASSWORD },
        },
      },
    });
    await tokens.getToken();
    await firstValueFrom(http.get('/api/wallet'));
    await app.close();

    const authority = new URL(fixture.fake.url).host;
    // The proxy sees where, never what: no path, no body, no bearer.
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(proxy.seen.map(({ method, target }) => `${method} ${target}`)).toEqual(
      proxy.seen.map(() => `CONNECT ${authority}`),
    );
    const basic = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`;
    expect(proxy.seen.map((request) => request.proxyAuthorization)).toEqual(
      proxy.seen.map(() => basic),
    );
    expect(fixture.fake.counters).toMatchObject({ logins: 1, apiCalls: 1, cancels: 1 });
    for (const request of fixture.fake.requests) {
      expect(request.headers['proxy-authorization']).toBeUndefined();
    }
  });
});
