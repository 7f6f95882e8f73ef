import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** One request the proxy forwarded: absolute-URI forwarding or a CONNECT tunnel. */
export interface ProxiedRequest {
  method: string;
  /** The absolute URI (`http://host:port/path`) or, for CONNECT, `host:port`. */
  target: string;
  proxyAuthorization: string | undefined;
}

/**
 * A minimal forward proxy on loopback for tests: forwards `GET http://...` style requests and
 * tunnels `CONNECT host:port`, recording each one. Answers 407 when `requiredAuth` is set and
 * the request lacks it.
 */
export class ForwardProxy {
  readonly seen: ProxiedRequest[] = [];
  /** When set, a 407 echoes the credentials it was sent (as a careless proxy might), JSON. */
  echo = false;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly requiredAuth: string | undefined,
  ) {
    server.on('connection', (socket) => this.track(socket));
    server.on('request', (req, res) => {
      if (!this.admit(req, req.url ?? '')) {
        res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"' });
        res.end(this.echo ? echoCredentials(req) : undefined);
        return;
      }
      const headers = { ...req.headers };
      delete headers['proxy-authorization'];
      const upstream = httpRequest(req.url ?? '', { method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      if (!this.admit(req, req.url ?? '')) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
        return;
      }
      const [host, port] = (req.url ?? '').split(':');
      const upstream = this.track(
        connect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(client).pipe(upstream);
        }),
      );
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  }

  /** Starts on 127.0.0.1, ephemeral port; `user:password` makes it require Basic auth. */
  static async start(requiredAuth?: string): Promise<ForwardProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const expected = requiredAuth && `Basic ${Buffer.from(requiredAuth).toString('base64')}`;
    return new ForwardProxy(server, port, expected);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Closes the server and every socket, tunnels included. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private admit(req: IncomingMessage, target: string): boolean {
    const proxyAuthorization = req.headers['proxy-authorization'];
    this.seen.push({ method: req.method ?? '', target, proxyAuthorization });
    return this.requiredAuth === undefined || proxyAuthorization === this.requiredAuth;
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }
}

/** The Proxy-Authorization header as sent and decoded, in a JSON body. */
function echoCredentials(req: IncomingMessage): string {
  const header = req.headers['proxy-authorization'] ?? '';
  const decoded = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
  return JSON.stringify({ message: `bad credentials ${header} (${decoded})`, header, decoded });
}

/** The proxy variables axios reads from the environment. */
const PROXY_ENV = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'NO_PROXY',
  'no_proxy',
];

/**
 * Clears the proxy variables of the environment (so a developer's own proxy cannot reach a
 * test) and returns the function that puts them back as they were.
 */
export function clearProxyEnv(): () => void {
  const saved = PROXY_ENV.map((name) => [name, process.env[name]] as const);
  for (const name of PROXY_ENV) delete process.env[name];
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
