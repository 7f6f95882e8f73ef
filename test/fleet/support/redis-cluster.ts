import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { until } from '../../support/zumrails-assertions.js';
import { freePort } from './free-port.js';
import { launchOnFreePort, RedisProcess } from './redis-process.js';
import { serverBinary } from './test-redis.js';

const SLOTS = 16_384;

/**
 * A real 3-master Redis Cluster on loopback: three `redis-server --cluster-enabled yes` on free
 * ports (no persistence), slots split in three with CLUSTER ADDSLOTS, joined with CLUSTER MEET.
 * It needs a redis-server binary even with ZUMRAILS_TEST_REDIS_URL (a single server is no
 * cluster). `stop()` quits every client, stops the nodes and removes their config files.
 */
export class RedisCluster {
  private readonly clients: (Cluster | Redis)[] = [];

  private constructor(
    private readonly nodes: RedisProcess[],
    private readonly dir: string,
  ) {}

  /** @throws at once, naming what to do, when the run has no redis-server binary */
  static async start(): Promise<RedisCluster> {
    const binary = serverBinary('Redis Cluster suite');
    const dir = await mkdtemp(join(tmpdir(), 'zr-cluster-'));
    const nodes: RedisProcess[] = [];
    const cluster = new RedisCluster(nodes, dir);
    try {
      for (let i = 0; i < 3; i++) {
        const node = await launchOnFreePort(async () => {
          const port = await freePort();
          const config = join(dir, `nodes-${port}.conf`);
          const args = ['--cluster-enabled', 'yes', '--cluster-config-file', config];
          return new RedisProcess(binary, port, [...args, '--cluster-node-timeout', '3000']);
        });
        nodes.push(node);
      }
      await cluster.join();
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Seed nodes for `new Cluster(...)`. */
  get startupNodes(): { host: string; port: number }[] {
    return this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  }

  /** A cluster client (ioredis `Cluster`) that retries quickly. Quit by `stop()`. */
  client(): Cluster {
    const client = new Cluster(this.startupNodes, {
      clusterRetryStrategy: () => 100,
      redisOptions: { maxRetriesPerRequest: 1 },
    });
    client.on('error', () => undefined);
    this.clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const client of this.clients.splice(0)) client.disconnect();
    await Promise.all(this.nodes.map((node) => node.terminate('SIGTERM')));
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Each node its third of the slots; node 0 meets the others; then wait for state ok. */
  private async join(): Promise<void> {
    const admins = this.nodes.map((node) => this.admin(node.port));
    const share = Math.ceil(SLOTS / admins.length);
    await Promise.all(
      admins.map((admin, i) => {
        const slots = range(i * share, Math.min(SLOTS, (i + 1) * share));
        return admin.call('CLUSTER', 'ADDSLOTS', ...slots.map(String));
      }),
    );
    for (const node of this.nodes.slice(1)) {
      await admins[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(node.port));
    }
    const ok = async () => {
      const infos = await Promise.all(admins.map((admin) => admin.call('CLUSTER', 'INFO')));
      return infos.every((info) => /cluster_state:ok/.test(String(info)));
    };
    await until(ok, 15_000, 'cluster_state:ok on all three nodes');
  }

  private admin(port: number): Redis {
    const admin = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined);
    this.clients.push(admin);
    return admin;
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
