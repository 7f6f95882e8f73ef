import { Redis, type RedisOptions } from 'ioredis';
import { freePort } from './free-port.js';
import { launchOnFreePort, RedisProcess } from './redis-process.js';
import { RedisProxy } from './redis-proxy.js';
import { testRedisTarget } from './test-redis.js';
import { deleteKeysWithPrefix, urlOptions } from './redis-url.js';

/**
 * The Redis of one fleet suite, as global-setup.ts chose it: a throw-away `redis-server` on a
 * free loopback port (no persistence), or ZUMRAILS_TEST_REDIS_URL behind a loopback proxy with
 * a key prefix of its own. `kill()` is an outage; `restart()` brings it back, empty, on the same
 * port; `stop()` leaves nothing behind (on a shared Redis: deletes only this suite's keys).
 */
export class RedisServer {
  private readonly clients: Redis[] = [];
  private stalled = false;

  private constructor(
    private readonly backend: ProcessBackend | ProxyBackend,
    /** The loopback port clients connect to. */
    readonly port: number,
  ) {}

  /** @throws at once, naming the three ways to get a Redis, when the run has none */
  static async start(): Promise<RedisServer> {
    const target = testRedisTarget();
    if (target.kind === 'binary') {
      const process = await launchOnFreePort(
        async () => new RedisProcess(target.binary, await freePort()),
      );
      return new RedisServer({ kind: 'process', process }, process.port);
    }
    const connection = { ...urlOptions(target.url), keyPrefix: target.keyPrefix };
    const proxy = new RedisProxy({ host: connection.host!, port: connection.port! });
    await proxy.listen();
    return new RedisServer({ kind: 'proxy', proxy, connection }, proxy.port);
  }

  /** Plain, JSON-serialisable options to reach this Redis (for child processes). */
  connection(): RedisOptions {
    const base = { host: '127.0.0.1', port: this.port };
    if (this.backend.kind === 'process') return base;
    return { ...this.backend.connection, ...base };
  }

  /** A client that reconnects every 100 ms, so tests see recovery quickly. Quit by `stop()`. */
  client(options: RedisOptions = {}): Redis {
    const client = new Redis({
      ...this.connection(),
      retryStrategy: () => 100,
      maxRetriesPerRequest: 1,
      ...options,
    });
    client.on('error', () => undefined); // reconnection is expected in outage tests
    this.clients.push(client);
    return client;
  }

  /** An outage: SIGKILL the server, or drop every connection through the proxy. Clients stay. */
  async kill(): Promise<void> {
    if (this.backend.kind === 'process') await this.backend.process.terminate('SIGKILL');
    else await this.backend.proxy.kill();
  }

  /** A stall: the server stops answering but keeps its connections (commands hang). */
  async pause(): Promise<void> {
    this.stall(true);
  }

  /** Ends a stall: the server answers again, hung commands included. */
  async resume(): Promise<void> {
    this.stall(false);
  }

  async restart(): Promise<void> {
    if (this.backend.kind === 'process') return this.backend.process.launch();
    await deleteKeysWithPrefix(this.backend.connection); // empty, like a fresh server
    await this.backend.proxy.listen();
  }

  private stall(stalled: boolean): void {
    this.stalled = stalled;
    if (this.backend.kind === 'process') this.backend.process.stall(stalled);
    else this.backend.proxy.stall(stalled);
  }

  /** Disconnects every client and stops the server (or deletes this suite's keys). Idempotent. */
  async stop(): Promise<void> {
    if (this.stalled) this.stall(false); // a stopped process would never see SIGTERM
    for (const client of this.clients.splice(0)) client.disconnect();
    if (this.backend.kind === 'process') return this.backend.process.terminate('SIGTERM');
    await this.backend.proxy.kill();
    await deleteKeysWithPrefix(this.backend.connection);
  }
}

type ProcessBackend = { kind: 'process'; process: RedisProcess };
type ProxyBackend = { kind: 'proxy'; proxy: RedisProxy; connection: RedisOptions };
