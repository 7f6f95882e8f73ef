import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { ZumRailsCrossOriginError } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { ForwardProxy } from '../support/forward-proxy.js';
import { startRecordingServer, type RecordingServer } from '../support/recording-server.js';
import { bearerOf, rejectionOf } from '../support/zumrails-assertions.js';

// The bearer rule compares the origin a request targets, never the proxy it travels through.
describe('transport.proxy and the bearer-origin rule', () => {
  const fixture = useFakeZumRails();
  let proxy: ForwardProxy;
  let elsewhere: RecordingServer;

  beforeEach(async () => {
    proxy = await ForwardProxy.start();
    elsewhere = await startRecordingServer();
  });
  afterEach(async () => {
    await elsewhere.stop();
    await proxy.stop();
  });

  const start = () =>
    fixture.start({
      transport: { proxy: { protocol: 'http', host: '127.0.0.1', port: proxy.port } },
    });

  it('the configured origin gets the bearer through the proxy', async () => {
    const { http } = await start();
    await firstValueFrom(http.get('/api/wallet'));

    expect(proxy.seen.at(-1)).toMatchObject({ target: `${fixture.fake.url}/api/wallet` });
    expect(bearerOf(fixture.fake.lastRequest('/api/wallet'))).toBeDefined();
  });

  it("a URL on the proxy's own origin is another origin: refused before anything is sent", async () => {
    const { tokens, http } = await start();
    await tokens.getToken();
    const before = proxy.seen.length;
    const error = await rejectionOf(firstValueFrom(http.get(`${proxy.url}/api/wallet`)));

    expect(error).toBeInstanceOf(ZumRailsCrossOriginError);
    expect(error).toMatchObject({ origin: proxy.url, reason: 'request' });
    expect(proxy.seen).toHaveLength(before);
  });

  it('a GET redirected to another origin goes on through the proxy without the bearer', async () => {
    const { http } = await start();
    fixture.fake.failApi({
      kind: 'status',
      status: 302,
      headers: { location: `${elsewhere.url}/landing` },
    });
    await firstValueFrom(http.get('/api/wallet'));

    expect(proxy.seen.at(-1)).toMatchObject({ method: 'GET', target: `${elsewhere.url}/landing` });
    expect(elsewhere.requests).toHaveLength(1);
    expect(elsewhere.requests[0]?.headers.authorization).toBeUndefined();
  });
});
