import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { ZumRailsClient, ZumRailsCrossOriginError, ZumRailsHttpError } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { clearProxyEnv, ForwardProxy } from '../support/forward-proxy.js';
import { apiRequests, rejectionOf } from '../support/zumrails-assertions.js';

const fixture = useFakeZumRails(
  {},
  { revokeOnShutdown: false, apiRetry: { initialDelayMs: 20, maxDelayMs: 40 } },
);

describe('idempotency-key', () => {
  it('over 36 characters is refused before anything is sent', async () => {
    const { app } = await fixture.start();
    const client = app.get(ZumRailsClient);
    const key = 'k'.repeat(37);

    const error = await rejectionOf(
      client.post('/api/transaction', { Amount: 1 }, { headers: { 'idempotency-key': key } }),
    );

    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).toMatchObject({ code: 'invalid-request' });
    expect((error as Error).message).toMatch(/37 characters long; Zum Rails keeps at most 36/);
    expect(apiRequests(fixture.fake)).toEqual([]);
  });

  it('of 36 characters (a UUID) is sent as given', async () => {
    const { app } = await fixture.start();
    const key = '6f1c2a9e-1b7d-4c3e-9a2f-0d8e7c6b5a41';
    await app.get(ZumRailsClient).post(
      '/api/transaction',
      { Amount: 1 },
      {
        headers: { 'idempotency-key': key },
      },
    );
    expect(fixture.fake.lastRequest('/api/transaction')?.headers['idempotency-key']).toBe(key);
  });
});

describe("a request's own proxy", () => {
  let proxy: ForwardProxy;
  let restoreEnv: () => void;

  beforeEach(async () => {
    restoreEnv = clearProxyEnv();
    proxy = await ForwardProxy.start();
  });
  afterEach(async () => {
    restoreEnv();
    await proxy.stop();
  });

  const viaProxy = () => ({ protocol: 'http', host: '127.0.0.1', port: proxy.port });

  it("is refused when it is not the module's proxy, even one with the same host", async () => {
    const { tokens, http } = await fixture.start({ transport: { proxy: viaProxy() } });
    await tokens.getToken();
    const other = { host: '127.0.0.1', port: proxy.port + 1 }; // no protocol: http

    const error = await rejectionOf(firstValueFrom(http.get('/api/wallet', { proxy: other })));

    expect(error).toMatchObject({ origin: `http://127.0.0.1:${proxy.port + 1}` });
  });

  it('is refused when the module has no such proxy: the bearer would reach it', async () => {
    const { tokens, http } = await fixture.start();
    await tokens.getToken();

    const error = await rejectionOf(firstValueFrom(http.get('/api/wallet', { proxy: viaProxy() })));

    expect(error).toBeInstanceOf(ZumRailsCrossOriginError);
    expect(error).toMatchObject({ origin: `http://127.0.0.1:${proxy.port}`, reason: 'request' });
    expect(proxy.seen).toEqual([]);
  });

  it("is the module's own transport.proxy: allowed", async () => {
    const { http } = await fixture.start({ transport: { proxy: viaProxy() } });
    await firstValueFrom(http.get('/api/wallet', { proxy: viaProxy() }));
    expect(proxy.seen.at(-1)).toMatchObject({ target: `${fixture.fake.url}/api/wallet` });
  });

  it('with zumRailsAuth: false (no bearer), or proxy: false, goes out', async () => {
    const { tokens, http } = await fixture.start();
    await tokens.getToken();
    // No bearer: the fake answers 401, but the request went out through the proxy.
    await rejectionOf(
      firstValueFrom(http.get('/api/wallet', { proxy: viaProxy(), zumRailsAuth: false })),
    );
    expect(proxy.seen).toHaveLength(1);
    expect(fixture.fake.lastRequest('/api/wallet')?.headers.authorization).toBeUndefined();
    await firstValueFrom(http.get('/api/wallet', { proxy: false }));
    expect(proxy.seen).toHaveLength(1);
  });
});

describe('a refused connection', () => {
  it('is retried for a GET, within the retry budget', async () => {
    const subject = await fixture.start();
    const client = subject.app.get(ZumRailsClient);
    await client.get('/api/wallet');
    await fixture.fake.stop(); // the port now refuses connections

    const error = await rejectionOf(client.get('/api/wallet'));

    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).toMatchObject({
      code: 'unavailable',
      cause: expect.objectContaining({ code: 'ECONNREFUSED' }),
    });
    const retries = subject.logs.lines.filter((line) => /^Retrying/.test(line.message));
    // The first attempt may meet the kept-alive socket reset; the next ones are refused.
    expect(retries.map((line) => line.message)).toEqual([
      expect.stringMatching(/after ECONN(RESET|REFUSED) \(retry 1 of 2\)/),
      expect.stringContaining('after ECONNREFUSED (retry 2 of 2)'),
    ]);
  });
});
