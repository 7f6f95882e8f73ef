import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on a loopback port in front of a Redis the developer runs
 * (ZUMRAILS_TEST_REDIS_URL), so an outage suite can cut the connection (`kill()`) and bring
 * it back (`listen()` again on the same port) without touching that server.
 */
export class RedisProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private stalled = false;

  constructor(
    private readonly target: { host: string; port: number },
    public port = 0,
  ) {}

  async listen(): Promise<void> {
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : this.port;
    this.server = server;
  }

  /** Refuses new connections and drops every open one, like a server that died. */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stops forwarding in both directions, connections kept open (a stalled server), or resumes. */
  stall(stalled: boolean): void {
    this.stalled = stalled;
    for (const socket of this.sockets) {
      if (stalled) socket.pause();
      else socket.resume();
    }
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined); // the other side is destroyed with it below
      socket.once('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
    if (this.stalled) for (const socket of [client, upstream]) socket.pause();
  }
}
