import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import oldestAxios, { type AxiosInstance, type AxiosRequestConfig } from 'axios-peer-oldest';
import { attachZumRailsAuth } from '../../lib/index.js';
import { TestCertificateAuthority } from '../../lib/testing/test-certificates.js';
import { startAuthApp, type AuthApp } from '../support/auth-app.js';

/** One request the redirecting server received. */
interface Seen {
  scheme: 'http' | 'https';
  host: string | undefined;
  path: string;
  authorization: string | undefined;
}

const CREDENTIALS = { username: 'redirect-user', password: 'redirect-password' };

function fakeJwt(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iat, exp: iat + 3_600 })}.c2ln`;
}

/**
 * A server of the test's own that speaks HTTP and HTTPS on ONE port (by the first byte of each
 * connection), so a redirect can stay on the same host and port and change only the scheme or
 * add a subdomain: the cases the redirect package keeps the Authorization header for, where
 * only the library's own guard removes the bearer. It logs in anyone and answers
 * `GET /api/wallet` with a redirect to `location`.
 */
async function startRedirectingServer() {
  const authority = new TestCertificateAuthority();
  const seen: Seen[] = [];
  const state = { location: '' };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    req.on('end', () => {
      const scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
      const { host, authorization } = req.headers;
      seen.push({ scheme, host, path: req.url ?? '', authorization });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/authorize') {
        res.end(JSON.stringify({ statusCode: 200, isError: false, result: { Token: fakeJwt() } }));
      } else if (req.url === '/api/wallet') {
        res.writeHead(302, { location: state.location }).end();
      } else {
        res.end(JSON.stringify({ statusCode: 200, isError: false, result: [] }));
      }
    });
  };
  const plain = createHttpServer(handle);
  const tls = createHttpsServer(authority.issueServer(), handle);
  const sockets = new Set<Socket>();
  const front = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (first) => {
      socket.pause();
      socket.unshift(first);
      (first[0] === 0x16 ? tls : plain).emit('connection', socket); // 0x16: a TLS handshake
      process.nextTick(() => socket.resume());
    });
  });
  await new Promise<void>((resolve) => front.listen(0, 'localhost', resolve));
  const { port } = front.address() as AddressInfo;
  return {
    port,
    url: `http://localhost:${port}`,
    ca: authority.cert,
    seen,
    state,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => front.close(resolve));
    },
  };
}

type RedirectingServer = Awaited<ReturnType<typeof startRedirectingServer>>;

/**
 * axios 1.1x strips the bearer on any cross-origin redirect itself; the oldest axios of the peer
 * range (^1.7.0) leaves it to follow-redirects, which keeps it for a subdomain and for http to
 * https on the same host. On that axios, only the library's own guard removes it.
 */
describe('the bearer is removed on a redirect the oldest peer axios would keep it for', () => {
  let server: RedirectingServer;
  let subject: AuthApp | undefined;
  let api: AxiosInstance;

  beforeEach(async () => {
    server = await startRedirectingServer();
    subject = await startAuthApp({ url: server.url, ...CREDENTIALS }, { revokeOnShutdown: false });
    api = oldestAxios.create({ baseURL: server.url });
    attachZumRailsAuth(api as unknown as Parameters<typeof attachZumRailsAuth>[0], subject.tokens);
  });
  afterEach(async () => {
    await subject?.app.close();
    subject = undefined;
    await server.stop();
  });

  /** The request that followed the redirect to `path`; the first call carried the bearer. */
  async function follow(path: string, config: AxiosRequestConfig) {
    await api.get('/api/wallet', config);
    const first = server.seen.find((request) => request.path === '/api/wallet');
    const followed = server.seen.find((request) => request.path === path);
    expect(first?.authorization).toMatch(/^Bearer \S+/);
    expect(followed).toBeDefined(); // the redirect was followed to the test's server
    return followed!;
  }

  it('to a subdomain of the configured host (same port)', async () => {
    server.state.location = `http://api.localhost:${server.port}/sub`;
    // api.localhost reaches this loopback server whatever the machine's resolver says.
    const lookup = (_host: string, _options: unknown, done: (...args: unknown[]) => void) =>
      done(null, '127.0.0.1', 4);
    const followed = await follow('/sub', { lookup } as AxiosRequestConfig);
    expect(followed).toMatchObject({ scheme: 'http', host: `api.localhost:${server.port}` });
    expect(followed.authorization).toBeUndefined();
  });

  it('to https on the same host and port', async () => {
    server.state.location = `https://localhost:${server.port}/secure`;
    const httpsAgent = new HttpsAgent({ ca: server.ca });
    try {
      const followed = await follow('/secure', { httpsAgent });
      expect(followed).toMatchObject({ scheme: 'https', host: `localhost:${server.port}` });
      expect(followed.authorization).toBeUndefined();
    } finally {
      httpsAgent.destroy();
    }
  });
});
