import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { firstValueFrom } from 'rxjs';
import { ZUMRAILS_ERROR_CODES, ZumRailsClient, ZumRailsError } from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { startAuthApp, type AuthApp } from '../support/auth-app.js';
import { rejectionOf, secretForms, within } from '../support/zumrails-assertions.js';

/**
 * Probe: every failure a caller can hit, through ZumRailsClient and the Observable
 * ZumRailsHttpService, over real HTTP on loopback, is `instanceof ZumRailsError` with a
 * documented code, and no secret is reachable from the error by any route an app (or an
 * attacker reading its logs) could take: the renderings, the hidden `cause`, a walk of every
 * own property (non-enumerable and symbol keys too), and a structured clone.
 */

/** Every string reachable from `root` through own properties (data descriptors only). */
function reachableStrings(root: unknown, maxNodes = 200_000): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const queue: unknown[] = [root];
  while (queue.length > 0 && seen.size < maxNodes) {
    const value = queue.shift();
    if (typeof value === 'string') {
      out.push(value);
      continue;
    }
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) continue;
    if (seen.has(value)) continue;
    seen.add(value);
    if (value instanceof Uint8Array) {
      out.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1'));
      continue;
    }
    if (value instanceof Map) for (const entry of value) queue.push(...entry);
    if (value instanceof Set) for (const entry of value) queue.push(entry);
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key === 'string') out.push(key);
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) queue.push(descriptor.value);
    }
  }
  return out;
}

function renderings(error: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const err = error as Error & { cause?: unknown };
  const cause = err.cause as
    (Error & { config?: Record<string, unknown>; response?: Record<string, unknown> }) | undefined;
  out.set('message', String(err.message));
  out.set('stack', String(err.stack));
  out.set('String', String(error));
  out.set('JSON.stringify', JSON.stringify(error) ?? '');
  out.set('inspect(showHidden)', inspect(error, { depth: Infinity, showHidden: true }));
  out.set('cause.stack', String(cause?.stack));
  out.set('inspect(cause)', inspect(cause, { depth: Infinity, showHidden: true }));
  out.set('cause.config.data', inspect(cause?.config?.['data'], { depth: Infinity }));
  out.set('cause.config.headers', inspect(cause?.config?.['headers'], { depth: Infinity }));
  out.set('cause.request', inspect((cause as { request?: unknown })?.request, { depth: 6 }));
  out.set('cause.response.config', inspect(cause?.response?.['config'], { depth: Infinity }));
  out.set('own-property walk', reachableStrings(error).join('\n'));
  try {
    out.set('structuredClone', inspect(structuredClone(error), { depth: Infinity }));
  } catch {
    // Not cloneable: nothing leaks that way.
  }
  return out;
}

function forms(secret: string): string[] {
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  return [...secretForms(secret), base64, encodeURIComponent(encodeURIComponent(secret))];
}

/**
 * What an app reading `error.cause.response.data` gets when it is a stream (a request with
 * `responseType: 'stream'`): its bytes, read to the end (or to its error or close).
 */
async function drained(error: unknown): Promise<string> {
  const cause = (error as { cause?: { response?: { data?: unknown } } }).cause;
  const data = cause?.response?.data;
  if (!(data instanceof Readable) || data.destroyed) return '';
  const chunks: Buffer[] = [];
  await within(
    new Promise<void>((resolve) => {
      data.on('data', (chunk: Buffer | string) => chunks.push(Buffer.from(chunk)));
      data.on('end', resolve);
      data.on('error', () => resolve());
      data.on('close', resolve);
    }),
    2_000,
    "the end of the error's stream body",
  );
  return Buffer.concat(chunks).toString('utf8');
}

async function expectFamily(error: unknown, code: string, secrets: readonly string[]) {
  expect(error).toBeInstanceOf(ZumRailsError);
  expect((error as ZumRailsError).code).toBe(code);
  expect(Object.keys(ZUMRAILS_ERROR_CODES)).toContain(code);
  const leaks: string[] = [];
  const texts = renderings(error);
  texts.set('cause.response.data, read', await drained(error));
  for (const [name, text] of texts) {
    for (const secret of secrets) {
      for (const form of forms(secret)) if (text.includes(form)) leaks.push(`${name}: ${form}`);
    }
  }
  expect(leaks).toEqual([]);
}

/** The two public ways to call: the client's promise and the Observable service. */
const PATHS = {
  client: (app: AuthApp, path: string, config = {}) =>
    app.app.get(ZumRailsClient).get(path, config),
  observable: (app: AuthApp, path: string, config = {}) =>
    firstValueFrom(app.http.get(path, config)),
};

describe.each(Object.entries(PATHS))('probe: the error surface via %s', (_name, call) => {
  let fake: FakeZumRails;
  let auth: AuthApp | undefined;
  let other: Server | undefined;

  beforeEach(async () => {
    fake = await FakeZumRails.start();
  });
  afterEach(async () => {
    await auth?.app.close();
    auth = undefined;
    if (other) await new Promise((resolve) => other!.close(resolve));
    other = undefined;
    await fake.stop();
  });

  async function started(overrides = {}): Promise<{ app: AuthApp; bearer: string }> {
    auth = await startAuthApp(fake, { revokeOnShutdown: false, apiRetry: false, ...overrides });
    await call(auth, '/api/wallet');
    const bearer = fake.issuedTokens().at(-1)!;
    expect(bearer).toBeDefined();
    return { app: auth, bearer };
  }

  function secrets(): string[] {
    return [fake.password, ...fake.issuedTokens()];
  }

  it('a rejected login echoing the password in its body and headers', async () => {
    const echo = `${fake.username}:${fake.password}`;
    fake.failLogin({
      kind: 'status',
      status: 401,
      body: {
        isError: true,
        message: `bad password ${fake.password}`,
        echo: { Password: fake.password },
      },
      headers: {
        'x-echo': fake.password,
        'www-authenticate': `Basic ${Buffer.from(echo).toString('base64')}`,
      },
    });
    auth = await startAuthApp(fake, { revokeOnShutdown: false });
    const error = await rejectionOf(call(auth, '/api/wallet'));
    await expectFamily(error, 'credentials-rejected', secrets());
  });

  it('an HTTP 500 envelope echoing the bearer in body and headers', async () => {
    const { app, bearer } = await started();
    fake.failApi({
      kind: 'status',
      status: 500,
      body: { isError: true, statusCode: 500, message: `boom Bearer ${bearer}`, result: bearer },
      headers: { 'x-echo': `Bearer ${bearer}`, 'x-b64': Buffer.from(bearer).toString('base64') },
    });
    await expectFamily(await rejectionOf(call(app, '/api/wallet')), 'api-error', secrets());
  });

  it('an isError answer on 200 echoing the bearer percent-encoded', async () => {
    const { app, bearer } = await started();
    fake.failApi({
      kind: 'is-error-200',
      message: `no: ${encodeURIComponent(`Bearer ${bearer}`)}`,
    });
    await expectFamily(await rejectionOf(call(app, '/api/wallet')), 'api-error', secrets());
  });

  it.each(['stream', 'arraybuffer', 'text'] as const)(
    'an HTTP 500 echoing the bearer, read with responseType %s',
    async (responseType) => {
      const { app, bearer } = await started();
      fake.failApi({
        kind: 'status',
        status: 500,
        body: { isError: true, statusCode: 500, message: `boom ${bearer}` },
      });
      const error = await rejectionOf(call(app, '/api/wallet', { responseType }));
      expect(error).toBeInstanceOf(ZumRailsError);
      await expectFamily(error, (error as ZumRailsError).code, secrets());
    },
  );

  it('a 500 echoing the bearer on a request that opts out of the envelope', async () => {
    const { app, bearer } = await started();
    fake.failApi({
      kind: 'status',
      status: 500,
      body: { isError: true, statusCode: 500, message: `boom ${bearer}` },
      headers: { 'x-echo': bearer },
    });
    const error = await rejectionOf(call(app, '/api/wallet', { zumRailsEnvelope: false }));
    await expectFamily(error, 'api-error', secrets());
  });

  it('a login that hangs, and one to a port nobody listens on', async () => {
    fake.failLogin({ kind: 'hang' });
    auth = await startAuthApp(fake, { requestTimeoutMs: 200, tokenWaitTimeoutMs: 200 });
    const hung = await rejectionOf(call(auth, '/api/wallet'));
    expect(['unavailable', 'token-wait-timeout']).toContain((hung as ZumRailsError).code);
    await expectFamily(hung, (hung as ZumRailsError).code, secrets());
    await auth.app.close();
    await fake.stop();
    auth = await startAuthApp(fake, { revokeOnShutdown: false });
    const refused = await rejectionOf(call(auth, '/api/wallet'));
    await expectFamily(refused, 'unavailable', secrets());
  });

  it('a 404 HTML page', async () => {
    const { app } = await started();
    fake.failApi({ kind: 'html', status: 404 });
    await expectFamily(await rejectionOf(call(app, '/api/wallet')), 'bad-response', secrets());
  });

  it('a timeout', async () => {
    const { app } = await started();
    fake.failApi({ kind: 'hang' });
    const error = await rejectionOf(call(app, '/api/wallet', { zumRailsTimeoutMs: 200 }));
    await expectFamily(error, 'unavailable', secrets());
  });

  it('a 429 echoing the bearer', async () => {
    const { app, bearer } = await started();
    fake.failApi({
      kind: 'status',
      status: 429,
      body: { isError: true, message: `slow down ${bearer}` },
      headers: { 'retry-after': '7', 'x-echo': bearer },
    });
    const error = await rejectionOf(call(app, '/api/wallet'));
    await expectFamily(error, 'rate-limited', secrets());
    expect(error).toMatchObject({ retryAfterMs: 7_000 });
  });

  it('a 429 or 503 asking to wait 3,000 years: retryAfterMs capped at the 5-minute block', async () => {
    const { app } = await started();
    for (const status of [429, 503]) {
      fake.failApi({ kind: 'status', status, headers: { 'retry-after': '99999999999' } });
      const error = await rejectionOf(call(app, '/api/wallet'));
      expect(error).toMatchObject({ status, retryAfterMs: 300_000 });
    }
  });

  it('a rate-limit budget refusal', async () => {
    const { app } = await started({
      rateLimits: { rules: [{ path: '/api/echo/*', limit: 1, windowMs: 60_000 }], maxWaitMs: 50 },
    });
    await call(app, '/api/echo/1');
    await expectFamily(await rejectionOf(call(app, '/api/echo/2')), 'rate-limited', secrets());
  });

  it('a refused connection', async () => {
    const { app } = await started();
    await fake.stop();
    await expectFamily(await rejectionOf(call(app, '/api/wallet')), 'unavailable', secrets());
  });

  it('a non-GET redirect to another origin', async () => {
    const { app } = await started();
    other = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => other!.listen(0, '127.0.0.1', resolve));
    const elsewhere = `http://127.0.0.1:${(other.address() as AddressInfo).port}/steal`;
    fake.failApi({ kind: 'status', status: 307, headers: { location: elsewhere } });
    const post =
      call === PATHS.client
        ? app.app.get(ZumRailsClient).post('/api/transaction', { Amount: 1 })
        : firstValueFrom(app.http.post('/api/transaction', { Amount: 1 }));
    await expectFamily(await rejectionOf(post), 'cross-origin', secrets());
  });

  it('a call after shutdown', async () => {
    const { app } = await started();
    await app.app.close();
    auth = undefined;
    await expectFamily(await rejectionOf(call(app, '/api/wallet')), 'shut-down', secrets());
  });
});
