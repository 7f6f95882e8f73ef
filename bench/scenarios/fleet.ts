import { Redis } from 'ioredis';
import {
  ZumRailsInMemoryTokenStore,
  ZumRailsRedisTokenStore,
  type ZumRailsTokenStore,
} from 'nestjs-zumrails-auth';
import { startApp, type BenchApp } from '../support/app.js';
import { keepAliveAgent } from '../support/clients.js';
import type { BenchConfig } from '../support/config.js';
import { startFake, type FakeHost } from '../support/fake-host.js';
import { runFor } from '../support/load.js';
import { startRedis } from '../support/redis-server.js';
import { row, type ScenarioResult } from '../support/report.js';
import { round } from '../support/stats.js';

const NAME = '6 fleet';
const REPLICAS = 5;
const TOKEN_TTL_SECONDS = 3;
const CONCURRENCY = 20;
/**
 * The fleet renews at its earliest replica's jittered time: 3-s tokens count as 2 s (the 1-s
 * iat rounding is taken off) and renew 1 s early minus ≤ 0.2 s of jitter, so every 0.8–0.9 s.
 */
const FASTEST_ROTATION_MS = 800;
/** 3-s tokens rotate about once a second: raise the login budget (default 10/min) explicitly. */
const MAX_LOGINS_PER_MINUTE = 120;
const LOGIN_SLACK = 2;

interface FleetFigures {
  logins: number;
  expiredTokenRequests: number;
  callerErrors: number;
  requestsPerSecond: number;
}

/**
 * 5 replicas (separate Nest application contexts, each with its own Redis connection) share
 * a token through `ZumRailsRedisTokenStore`, next to 5 replicas without a store, each fleet against its
 * own fake with 3-s tokens and load spread round-robin over its replicas. Counts logins after
 * every replica holds its first token. Without `redis-server` installed, the shared fleet uses
 * one `ZumRailsInMemoryTokenStore` (same protocol, no network) and says so.
 */
export async function fleet(config: BenchConfig): Promise<ScenarioResult> {
  const { durationMs } = config.fleet;
  const redis = await startRedis();
  const clients: Redis[] = [];
  const memory = new ZumRailsInMemoryTokenStore();
  const sharedStore = (): ZumRailsTokenStore => {
    if (!redis) return memory;
    const client = new Redis({ host: '127.0.0.1', port: redis.port });
    clients.push(client);
    return new ZumRailsRedisTokenStore(client);
  };
  const fakes = await Promise.all(
    [0, 1].map(() => startFake(config.placement, { tokenTtlSeconds: TOKEN_TTL_SECONDS })),
  );
  let shared: FleetFigures;
  let alone: FleetFigures;
  try {
    [shared, alone] = await Promise.all([
      soak(fakes[0]!, durationMs, sharedStore),
      soak(fakes[1]!, durationMs, () => undefined),
    ]);
  } finally {
    await Promise.all(fakes.map((fake) => fake.stop()));
    clients.forEach((client) => client.disconnect());
    await redis?.stop();
  }
  const maxLogins = Math.floor(durationMs / FASTEST_ROTATION_MS) + LOGIN_SLACK;
  // Measured, not assumed: each replica without a store renews once per rotation.
  const rotations = alone.logins / REPLICAS;
  const store = redis ? 'redis-server on loopback' : 'in-process (redis-server not found)';
  return {
    name: 'fleet',
    rows: [
      row(
        NAME,
        'setup',
        `${REPLICAS} replicas, ${TOKEN_TTL_SECONDS}-s tokens, ${durationMs / 1000} s, c=${CONCURRENCY}, store: ${store}`,
      ),
      row(NAME, 'shared store: logins', shared.logins, {
        target: `≤ ${maxLogins}`,
        pass: shared.logins <= maxLogins,
        gate: true,
      }),
      row(NAME, 'rotations (no-store logins / replicas)', round(rotations, 1)),
      row(NAME, 'shared store: logins per rotation', round(shared.logins / rotations, 2)),
      row(NAME, 'shared store: expired-token requests', shared.expiredTokenRequests, {
        target: '0',
        pass: shared.expiredTokenRequests === 0,
        gate: true,
      }),
      row(NAME, 'shared store: caller errors', shared.callerErrors, {
        target: '0',
        pass: shared.callerErrors === 0,
        gate: true,
      }),
      row(NAME, 'shared store: req/s', shared.requestsPerSecond),
      row(NAME, 'no store: logins', alone.logins),
      row(NAME, 'no store: caller errors', alone.callerErrors),
    ],
    figures: {
      replicas: REPLICAS,
      tokenTtlSeconds: TOKEN_TTL_SECONDS,
      durationMs,
      store,
      shared,
      alone,
    },
  };
}

async function soak(
  fake: FakeHost,
  durationMs: number,
  store: () => ZumRailsTokenStore | undefined,
): Promise<FleetFigures> {
  const agent = keepAliveAgent();
  const apps: BenchApp[] = [];
  try {
    for (let i = 0; i < REPLICAS; i++) {
      const options = {
        startup: 'blocking',
        revokeOnShutdown: false,
        store: store(),
        maxLoginsPerMinute: MAX_LOGINS_PER_MINUTE,
      } as const;
      apps.push(await startApp(fake, agent, options));
    }
    await fake.reset();
    let next = 0;
    const load = await runFor(durationMs, CONCURRENCY, () => apps[next++ % REPLICAS]!.get());
    const counters = await fake.counters();
    return {
      logins: counters.logins,
      expiredTokenRequests: counters.expiredTokenCalls,
      callerErrors: load.errors,
      requestsPerSecond: round(load.rate, 0),
    };
  } finally {
    for (const app of apps) await app.app.close();
    agent.destroy();
  }
}
