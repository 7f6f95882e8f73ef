import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHook } from 'node:async_hooks';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { firstValueFrom } from 'rxjs';
import { ZumRailsHttpError } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import type { AuthApp } from '../support/auth-app.js';
import { expectNoSecrets, rejectionOf, secretsOf } from '../support/zumrails-assertions.js';

// Retries are off: each fault is seen once.
const fixture = useFakeZumRails({}, { revokeOnShutdown: false, apiRetry: false });
let subject: AuthApp;

beforeEach(async () => {
  subject = await fixture.start();
  await subject.tokens.getToken();
});

/** A request body field the errors must not carry (banking details, in real life). */
const ACCOUNT = 'acct-7f3e9c21-secret';

/**
 * How a stream body ended: its error, or `end`; `close` without either is `closed`; a body
 * still flowing after 5 s (far past every deadline here) is `still open`, so a missing
 * deadline fails on an assertion rather than on Jest's timeout.
 */
function outcomeOf(body: Readable): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still open'), 5_000);
    const settle = (outcome: unknown): void => {
      clearTimeout(timer);
      resolve(outcome);
    };
    body.once('error', settle);
    body.once('end', () => settle('end'));
    body.once('close', () => setImmediate(() => settle('closed')));
    body.resume();
  });
}

async function streamOf(config: Record<string, unknown>): Promise<Readable> {
  const response = await firstValueFrom(
    subject.http.post(
      '/api/transaction',
      { AccountNumber: ACCOUNT },
      {
        responseType: 'stream',
        ...config,
      },
    ),
  );
  return response.data as Readable;
}

describe("responseType: 'stream'", () => {
  it('a body over the cap errors with a scrubbed ZumRailsHttpError, not the raw AxiosError', async () => {
    fixture.fake.failApi({ kind: 'huge-body', bytes: 50_000, status: 200 });
    const body = await streamOf({ maxContentLength: 1_000 });

    const error = await outcomeOf(body);

    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).toMatchObject({ message: expect.stringContaining('maxContentLength') });
    await expectNoSecrets([...secretsOf(fixture.fake), ACCOUNT], { errors: [error] });
  });

  it('an error status rejects with a scrubbed error, without the raw body stream', async () => {
    fixture.fake.failApi({ kind: 'status', status: 500 });

    const error = await rejectionOf(streamOf({}));

    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).toMatchObject({ status: 500 });
    await expectNoSecrets([...secretsOf(fixture.fake), ACCOUNT], { errors: [error] });
  });

  it('the overall deadline covers a trickling body until it ends', async () => {
    fixture.fake.failApi({ kind: 'trickle', intervalMs: 20, status: 200 });
    const body = await streamOf({ zumRailsTimeoutMs: 300 });

    const error = await outcomeOf(body);

    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).toMatchObject({
      code: 'unavailable',
      cause: expect.objectContaining({ code: 'ECONNABORTED' }),
      message: expect.stringContaining('300 ms'),
    });
    await expectNoSecrets([...secretsOf(fixture.fake), ACCOUNT], { errors: [error] });
  });

  it('a body that ends in time ends normally, and its deadline timer goes with it', async () => {
    const live = trackTimers(4_321);
    const response = await firstValueFrom(
      subject.http.get('/api/wallet', { responseType: 'stream', zumRailsTimeoutMs: 4_321 }),
    );
    const body = response.data as Readable;

    let text = '';
    body.on('data', (chunk: Buffer) => (text += chunk.toString()));
    expect(await outcomeOf(body)).toBe('end');
    expect(JSON.parse(text)).toMatchObject({ isError: false });
    expect(await liveAfterHooks(live)).toBe(0);
  });
});

describe("responseType: 'stream' from a server of the test's own", () => {
  /** A server that sends headers and a first chunk, then hands its response to the test. */
  async function streamingServer(): Promise<{
    url: string;
    answer: Promise<ServerResponse>;
    stop(): Promise<void>;
  }> {
    let hand!: (res: ServerResponse) => void;
    const answer = new Promise<ServerResponse>((resolve) => (hand = resolve));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write('first chunk');
      hand(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/report`;
    const stop = async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    };
    return { url, answer, stop };
  }

  it('a connection reset mid-body errors the stream with a scrubbed ZumRailsHttpError', async () => {
    const server = await streamingServer();
    try {
      const body = await streamOfUrl(server.url);
      (await server.answer).socket!.resetAndDestroy();

      const error = await outcomeOf(body);

      expect(error).toBeInstanceOf(ZumRailsHttpError);
      expect(error).toMatchObject({
        code: 'unavailable',
        cause: expect.objectContaining({ code: 'ECONNRESET' }),
      });
      await expectNoSecrets([...secretsOf(fixture.fake), ACCOUNT], { errors: [error] });
    } finally {
      await server.stop();
    }
  });

  it('destroying the stream closes the connection at once (not at the deadline)', async () => {
    const server = await streamingServer();
    try {
      const body = await streamOfUrl(server.url);
      const closed = new Promise<void>(
        (resolve) => void server.answer.then((res) => res.on('close', resolve)),
      );

      body.destroy();

      await closed;
    } finally {
      await server.stop();
    }
  });

  /** A POST through the module's service, without the bearer (another origin). */
  async function streamOfUrl(url: string): Promise<Readable> {
    const response = await firstValueFrom(
      subject.http.post(
        url,
        { AccountNumber: ACCOUNT },
        { responseType: 'stream', zumRailsAuth: false, zumRailsTimeoutMs: 10_000 },
      ),
    );
    return response.data as Readable;
  }
});

describe('the overall deadline of a call', () => {
  it('is cleared when the call fails, not left to fire', async () => {
    const live = trackTimers(7_777);
    fixture.fake.failApi({ kind: 'status', status: 400 });

    const error = await rejectionOf(
      firstValueFrom(subject.http.get('/api/wallet', { zumRailsTimeoutMs: 7_777 })),
    );

    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(await liveAfterHooks(live)).toBe(0);
  });

  it('is cleared when the token for the retry after a 401 cannot be had', async () => {
    const live = trackTimers(7_778);
    fixture.fake.failApi({ kind: 'status', status: 401 });
    fixture.fake.failLogin({ kind: 'status', status: 401 });

    const error = await rejectionOf(
      firstValueFrom(subject.http.get('/api/wallet', { zumRailsTimeoutMs: 7_778 })),
    );

    expect(error).toMatchObject({ code: 'credentials-rejected' });
    expect(await liveAfterHooks(live)).toBe(0);
  });
});

const hooks: { disable(): void }[] = [];
afterEach(() => {
  for (const hook of hooks.splice(0)) hook.disable();
});

/** Live timers (set, neither fired nor cleared) whose delay is `ms`: the deadline's, by its odd value. */
function trackTimers(ms: number): Set<number> {
  const live = new Set<number>();
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type === 'Timeout' && (resource as { _idleTimeout?: number })._idleTimeout === ms)
        live.add(id);
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  hooks.push(hook);
  return live;
}

/** The count once the destroy hooks of cleared timers (queued by Node, not synchronous) ran. */
async function liveAfterHooks(live: Set<number>): Promise<number> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  return live.size;
}
