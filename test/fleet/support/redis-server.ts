import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { Redis, type RedisOptions } from 'ioredis';

/** `redis-server` from PATH, or `REDIS_SERVER`. `.ci/run` installs it when missing. */
const BINARY = process.env.REDIS_SERVER ?? 'redis-server';
const READY = /Ready to accept connections/;
const MISSING = `${BINARY} not found: install it (apt-get install -y redis-server) or set REDIS_SERVER`;

/**
 * A real, throw-away `redis-server` on a free loopback port: no persistence, stopped by
 * `stop()`. `restart()` brings it back, empty, on the same port.
 */
export class RedisServer {
  private process?: ChildProcess;
  private readonly clients: Redis[] = [];

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const server = new RedisServer(await freePort());
      try {
        await server.launch();
        return server;
      } catch (error) {
        lastError = error; // most likely the port was taken in between; try another one
      }
    }
    throw lastError;
  }

  /** A client that reconnects every 100 ms, so tests see recovery quickly. Quit by `stop()`. */
  client(options: RedisOptions = {}): Redis {
    const client = new Redis({
      host: '127.0.0.1',
      port: this.port,
      retryStrategy: () => 100,
      maxRetriesPerRequest: 1,
      ...options,
    });
    client.on('error', () => undefined); // reconnection is expected in outage tests
    this.clients.push(client);
    return client;
  }

  /** Kills the server (SIGKILL: an outage, not a clean shutdown). Clients stay. */
  async kill(): Promise<void> {
    await this.terminate('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.launch();
  }

  /** Disconnects every client and stops the server. Idempotent. */
  async stop(): Promise<void> {
    for (const client of this.clients.splice(0)) client.disconnect();
    await this.terminate('SIGTERM');
  }

  private launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1'];
    args.push('--save', '', '--appendonly', 'no', '--dir', tmpdir());
    const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    return new Promise<void>((resolve, reject) => {
      let output = '';
      const settle = (error?: Error) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.stdout!.off('data', onData);
        if (!error) return resolve();
        child.kill('SIGKILL');
        reject(error);
      };
      const onExit = (code: number | null) =>
        settle(new Error(`redis-server exited (${code}):\n${output}`));
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (READY.test(output)) settle();
      };
      const timer = setTimeout(
        () => settle(new Error(`redis-server not ready:\n${output}`)),
        5_000,
      );
      child.once('error', (error: NodeJS.ErrnoException) =>
        settle(error.code === 'ENOENT' ? new Error(MISSING) : error),
      );
      child.on('exit', onExit);
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    });
  }

  private async terminate(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
