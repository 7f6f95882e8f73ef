// Shared by test/http/observable-cancel.e2e.spec.ts and the consumer apps (scripts/test-consumers.js
// copies this folder into their src/), so only packages and node: imports, no Jest.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers on a path: see {@link ParityServer.path}. */
export type ParityRoute = 'ok' | 'echo' | 'mirror' | 'fail' | 'hang' | 'stream';

/** How the server saw a response end: written out, or dropped by the client first. */
export type ServerEnding = 'finished' | 'aborted';

/** The requests a path from {@link ParityServer.path} receives (only `ok` answers more than one). */
export interface HeldRequest {
  /** Resolves once the first request has reached the server. */
  readonly arrived: Promise<void>;
  /** Resolves when the first response closes: after its last byte, or when the client dropped it. */
  readonly ended: Promise<ServerEnding>;
  /** How many requests the path received. */
  readonly hits: number;
  /** `hang`: sends the answer; `stream`: sends the rest of the body. Before arrival too. */
  release(): void;
}

/**
 * A `node:http` server on loopback (port 0) with a fresh path per request, so a test can wait for
 * its request to arrive and see whether the client aborted it (the socket closed before the
 * response was written), without sleeping.
 */
export interface ParityServer {
  readonly url: string;
  /**
   * A fresh path on `route` and the handle of its request. `ok` answers 200 `{"ok":true}`,
   * `echo` 200 with the request body, `mirror` 200 with the request's method, URL, `x-h` and
   * `content-type` headers and body in an `x-mirror` header (HEAD answers have no body),
   * `fail` 500 `{"error":"boom"}`, `hang` 200 `{"late":true}`
   * once released, `stream` 200 with `first,` at once and `last` once released.
   */
  path(route: ParityRoute): { path: string; held: HeldRequest };
  stop(): Promise<void>;
}

interface Pending {
  route: ParityRoute;
  hits: number;
  arrive: () => void;
  released: Promise<void>;
  end: (ending: ServerEnding) => void;
}

/** Answers `res` as its route says once the request body is in. */
async function answer(
  pending: Pending,
  body: string,
  res: ServerResponse,
  req: IncomingMessage,
): Promise<void> {
  const json = (status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(text);
  };
  if (pending.route === 'ok') return json(200, '{"ok":true}');
  if (pending.route === 'echo') return json(200, body);
  if (pending.route === 'mirror') {
    const { method, url, headers } = req;
    const seen = { method, url, h: headers['x-h'], type: headers['content-type'], body };
    res.writeHead(200, { 'x-mirror': JSON.stringify(seen) });
    return void res.end();
  }
  if (pending.route === 'fail') return json(500, '{"error":"boom"}');
  if (pending.route === 'stream') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first,');
    await pending.released;
    res.end('last');
    return;
  }
  await pending.released;
  if (!res.destroyed) json(200, '{"late":true}');
}

export async function startParityServer(): Promise<ParityServer> {
  const pending = new Map<string, Pending>();
  let next = 0;
  const server: Server = createServer((req, res) => {
    const found = pending.get((req.url ?? '').split('?')[0]!);
    if (!found || (found.hits > 0 && found.route !== 'ok')) return void res.writeHead(404).end();
    found.hits += 1;
    res.on('close', () => found.end(res.writableFinished ? 'finished' : 'aborted'));
    found.arrive();
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => void answer(found, body, res, req));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    path(route) {
      const path = `/${route}/${++next}`;
      let arrive = () => {};
      let end: (ending: ServerEnding) => void = () => {};
      let release = () => {};
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const ended = new Promise<ServerEnding>((resolve) => (end = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const entry: Pending = { route, hits: 0, arrive, released, end };
      pending.set(path, entry);
      return {
        path,
        held: {
          arrived,
          ended,
          release,
          get hits() {
            return entry.hits;
          },
        },
      };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
