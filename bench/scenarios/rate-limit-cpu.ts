import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { Redis } from 'ioredis';
import { ZumRailsRedisTokenStore, type ZumRailsAuthOptions } from 'nestjs-zumrails-auth';
import { startApp, type BenchApp } from '../support/app.js';
import { API_PATH } from '../support/clients.js';
import type { BenchConfig } from '../support/config.js';
import { startFake } from '../support/fake-host.js';
import { startRedis } from '../support/redis-server.js';
import { row, type ScenarioResult } from '../support/report.js';
import { collect, median, round } from '../support/stats.js';

const NAME = '7 rate limit CPU';
/** Target of a call that matches no rule: nothing measurable. */
const NO_MATCH_TARGET_MICROS = 0.5;

type Interceptor = (config: InternalAxiosRequestConfig) => Promise<InternalAxiosRequestConfig>;

/**
 * CPU per call of the module's interceptor pair (bearer, origin check, envelope check, the rate
 * limiter's slot taken and given back), called directly: no axios chain, no socket, so the
 * limiter's share is not lost in their noise. Variants: no rules at all; two rules the call does not match (production's); a rule
 * it matches, counted in process; the same counted in Redis (one `EVAL` per call; the CPU of
 * this process, ioredis included, not Redis'). Best of the rounds, by `process.cpuUsage()`.
 */
export async function rateLimitCpu(config: BenchConfig): Promise<ScenarioResult> {
  const { calls, redisCalls, rounds } = config.rateLimitCpu;
  const fake = await startFake(config.placement);
  const redis = await startRedis();
  const client = redis && new Redis({ host: '127.0.0.1', port: redis.port });
  const apps: BenchApp[] = [];
  const matching = { rules: [{ path: '/api/*', limit: 100_000, windowMs: 1_000 }] };
  const variants: [string, Partial<ZumRailsAuthOptions>, number][] = [
    ['none', {}, calls],
    [
      'noMatch',
      {
        rateLimits: {
          rules: [
            { path: '/api/*/filter', limit: 100, windowMs: 300_000 },
            { path: '/api/transaction/*', methods: ['GET'], limit: 100, windowMs: 300_000 },
          ],
        },
      },
      calls,
    ],
    ['local', { rateLimits: matching }, calls],
  ];
  if (client)
    variants.push([
      'redis',
      { rateLimits: matching, store: new ZumRailsRedisTokenStore(client) },
      redisCalls,
    ]);
  const micros: Record<string, number[]> = {};
  try {
    const measured: [string, Interceptor, number][] = [];
    for (const [name, overrides, n] of variants) {
      const app = await startApp(fake, undefined, {
        startup: 'blocking',
        revokeOnShutdown: false,
        ...overrides,
      });
      apps.push(app);
      measured.push([name, authInterceptor(app), n]);
    }
    for (const [, run, n] of measured) await cpuPerCall(run, Math.min(n, 1_000)); // warm the JIT
    for (let r = 0; r < rounds; r++) {
      for (const [name, run, n] of measured) (micros[name] ??= []).push(await cpuPerCall(run, n));
    }
  } finally {
    for (const app of apps) await app.app.close();
    client?.disconnect();
    await redis?.stop();
    await fake.stop();
  }
  const best = (name: string) => Math.min(...(micros[name] ?? [Number.NaN]));
  const noMatch = best('noMatch') - best('none');
  return {
    name: 'rateLimitCpu',
    rows: [
      row(
        NAME,
        'setup',
        `interceptor pair called directly, ${rounds}×${calls} calls (Redis ${redisCalls})`,
      ),
      row(NAME, 'no rules: interceptor µs/call', round(best('none'), 2)),
      row(NAME, 'matches no rule (2 rules): extra µs/call', round(noMatch, 2), {
        target: `≤ ${NO_MATCH_TARGET_MICROS}`,
        pass: noMatch <= NO_MATCH_TARGET_MICROS,
      }),
      row(NAME, 'matching rule, in process: extra µs/call', round(best('local') - best('none'), 2)),
      row(
        NAME,
        'matching rule, Redis: extra CPU µs/call',
        client ? round(best('redis') - best('none'), 2) : 'no redis-server',
      ),
    ],
    figures: {
      calls,
      redisCalls,
      rounds,
      bestCpuMicrosPerCall: Object.fromEntries(
        Object.keys(micros).map((name) => [name, round(best(name), 3)]),
      ),
      medianCpuMicrosPerCall: Object.fromEntries(
        Object.entries(micros).map(([name, v]) => [name, round(median(v), 3)]),
      ),
    },
  };
}

/** A success envelope, as the response interceptor expects it. */
const ENVELOPE = {
  statusCode: 200,
  message: 'GET Request successful.',
  isError: false,
  result: [],
};

interface Handlers {
  handlers: ({ fulfilled: (value: never) => unknown } | null)[];
}

/**
 * The module's own interceptor pair around a call that answers at once: its request
 * interceptor (the last registered: it runs first) and its response interceptor (which gives
 * a rate limit slot back).
 */
function authInterceptor(app: BenchApp): Interceptor {
  const axios = app.http.axiosRef;
  // The pipeline's one pair (request-pipeline.ts) is the last registered of each.
  const last = (manager: unknown) =>
    (manager as Handlers).handlers.filter((entry) => entry !== null).at(-1)!.fulfilled as (
      value: unknown,
    ) => unknown;
  const onRequest = last(axios.interceptors.request);
  const onResponse = last(axios.interceptors.response);
  const baseURL = axios.defaults.baseURL;
  return async (config) => {
    const sent = (await onRequest({ ...config, baseURL })) as InternalAxiosRequestConfig;
    onResponse({ data: ENVELOPE, status: 200, statusText: 'OK', headers: {}, config: sent });
    return sent;
  };
}

async function cpuPerCall(run: Interceptor, n: number): Promise<number> {
  collect();
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    await run({ url: API_PATH, method: 'get', headers: new AxiosHeaders() });
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}
