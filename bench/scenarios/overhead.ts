import { HttpService } from '@nestjs/axios';
import { firstValueFrom } from 'rxjs';
import { startApp } from '../support/app.js';
import {
  API_PATH,
  authRefreshClient,
  keepAliveAgent,
  loginOnce,
  plainClient,
} from '../support/clients.js';
import type { BenchConfig } from '../support/config.js';
import { startFake } from '../support/fake-host.js';
import { runFor } from '../support/load.js';
import { row, type Row, type ScenarioResult } from '../support/report.js';
import { collect, median, round } from '../support/stats.js';

const NAME = '1 overhead';
/** b/a: the Observable service against plain axios (median of per-round ratios). */
const TARGET_RATIO = 0.97;
/** d/a: the promise client against plain axios (median of per-round ratios). */
const CLIENT_TARGET_RATIO = 0.98;
const WARM_UP_ROUNDS = 2;

interface Variant {
  key: 'a' | 'a2' | 'b' | 'b2' | 'c' | 'd';
  label: string;
  call: () => Promise<unknown>;
  rates: number[];
  /** Requests completed per round. */
  counts: number[];
  /** Client CPU (user + system) per request in µs, per round. */
  cpu: number[];
  errors: number;
}

/**
 * Throughput of the same GETs through (a) plain axios with a static header, (a2) the
 * `@nestjs/axios` HttpService wrapping that same instance (the Observable API alone), (b) the
 * ZumRailsHttpService users inject, (b2) its axios instance directly (the auth interceptors
 * without the Observable wrapper), (c) axios + axios-auth-refresh, (d) the ZumRailsClient users
 * inject (`client.get`, resolving the envelope's `result`, on b's instance). One keep-alive agent for
 * a, a2 and c; b and b2 use the module's own default keep-alive agent, as users get it; rounds
 * interleaved a a2 b b2 c d a a2 ...; a full GC before each round. Each round lasts `roundMs`
 * (closed loop), so the scenario takes the same time on a slow machine. Besides throughput,
 * the client's own CPU time per request (the fake runs in another process).
 */
export async function overhead(config: BenchConfig): Promise<ScenarioResult> {
  const { roundMs, concurrency, rounds, warmupMs, diagnostics } = config.overhead;
  const fake = await startFake(config.placement);
  const agent = keepAliveAgent();
  const app = await startApp(fake, undefined, { startup: 'blocking', revokeOnShutdown: false });
  const plain = plainClient(fake, agent, await loginOnce(fake, agent));
  const nestPlain = new HttpService(plain);
  const refresh = authRefreshClient(fake, agent);
  const variants: Variant[] = [
    { key: 'a', label: 'plain axios + static header', call: () => plain.get(API_PATH) },
    {
      key: 'a2',
      label: '@nestjs/axios HttpService over (a)',
      call: () => firstValueFrom(nestPlain.get(API_PATH)),
    },
    { key: 'b', label: 'ZumRailsHttpService', call: app.get },
    {
      key: 'b2',
      label: 'ZumRailsHttpService.axiosRef',
      call: () => app.http.axiosRef.get(API_PATH),
    },
    { key: 'c', label: 'axios-auth-refresh', call: () => refresh.instance.get(API_PATH) },
    { key: 'd', label: 'ZumRailsClient.get', call: app.clientGet },
  ]
    .filter((v) => diagnostics || v.key.length === 1)
    .map((v) => ({ ...v, rates: [], counts: [], cpu: [], errors: 0 }) as Variant);
  try {
    // Unmeasured interleaved rounds first: the first few thousand requests of a process run
    // in code V8 has not optimised yet, and would be charged to whichever variant comes first.
    for (let round = 0; round < WARM_UP_ROUNDS; round++) {
      for (const v of variants) await runFor(warmupMs, concurrency, v.call);
    }
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) {
        collect();
        const cpu = process.cpuUsage();
        const result = await runFor(roundMs, concurrency, v.call);
        const used = process.cpuUsage(cpu);
        const count = result.ok + result.errors;
        v.cpu.push((used.user + used.system) / count);
        v.rates.push(result.rate);
        v.counts.push(count);
        v.errors += result.errors;
      }
    }
  } finally {
    await app.app.close();
    agent.destroy();
    await fake.stop();
  }
  return summarize(config, variants);
}

function summarize(config: BenchConfig, variants: Variant[]): ScenarioResult {
  const by = new Map(variants.map((v) => [v.key, v]));
  const rps = (key: Variant['key']) => median(by.get(key)?.rates ?? []);
  const cpu = (key: Variant['key']) => median(by.get(key)?.cpu ?? []);
  /** Median over rounds of the ratio within each round: robust to drifting machine load. */
  const paired = (key: Variant['key'], base: Variant['key']) => {
    const top = by.get(key)?.rates ?? [];
    const bottom = by.get(base)?.rates ?? [];
    return median(top.map((r, i) => r / (bottom[i] as number)));
  };
  const ratios: Record<string, number> = {
    ba: rps('b') / rps('a'),
    ca: rps('c') / rps('a'),
    da: rps('d') / rps('a'),
  };
  if (by.has('a2')) Object.assign(ratios, { a2a: rps('a2') / rps('a'), ba2: rps('b') / rps('a2') });
  if (by.has('b2')) ratios.b2a = rps('b2') / rps('a');
  const pass = paired('b', 'a') >= TARGET_RATIO;
  // Targets of the client and the Observable service: per-round ratios (robust to drift).
  const clientPass = paired('d', 'a') >= CLIENT_TARGET_RATIO;
  const observablePass = by.has('a2') ? paired('b', 'a2') >= 1 : undefined;
  const { roundMs, concurrency, rounds } = config.overhead;
  const has = (key: Variant['key']) => by.has(key);
  const both = (key: Variant['key'], base: Variant['key'], value: number) =>
    `${value.toFixed(3)} (per round ${paired(key, base).toFixed(3)})`;
  const rows: Row[] = [
    row(
      NAME,
      'setup',
      `${rounds} rounds × ${roundMs / 1000} s/variant, c=${concurrency}, fake: ${config.placement}`,
    ),
    ...variants.map((v) => row(NAME, `(${v.key}) ${v.label}: median req/s`, rps(v.key))),
    row(NAME, 'b/a (ZumRailsHttpService / plain, per-round median)', both('b', 'a', ratios.ba!), {
      target: `>= ${TARGET_RATIO} (per round)`,
      pass,
    }),
    row(NAME, 'd/a (ZumRailsClient.get / plain, per-round median)', both('d', 'a', ratios.da!), {
      target: `>= ${CLIENT_TARGET_RATIO} (per round)`,
      pass: clientPass,
    }),
    row(NAME, 'c/a (axios-auth-refresh / plain)', both('c', 'a', ratios.ca!)),
    ...(has('a2')
      ? [
          row(
            NAME,
            'a2/a (stock @nestjs/axios Observable API alone)',
            both('a2', 'a', ratios.a2a!),
          ),
          row(NAME, 'b/a2 (ours vs the same API without auth)', both('b', 'a2', ratios.ba2!), {
            target: '>= 1.00 (per round)',
            pass: observablePass === true,
          }),
        ]
      : []),
    ...(has('b2')
      ? [row(NAME, 'b2/a (auth interceptors alone, axiosRef)', both('b2', 'a', ratios.b2a!))]
      : []),
    ...variants.map((v) => row(NAME, `(${v.key}) client CPU µs/request`, round(cpu(v.key), 1))),
    row(
      NAME,
      'caller errors (all variants)',
      variants.reduce((n, v) => n + v.errors, 0),
    ),
  ];
  const figures = {
    fakePlacement: config.placement,
    roundMs,
    concurrency,
    rounds,
    variants: Object.fromEntries(
      variants.map((v) => [
        v.key,
        {
          label: v.label,
          medianRps: round(rps(v.key)),
          rps: v.rates.map((r) => round(r)),
          requests: v.counts,
          medianCpuMicrosPerRequest: round(cpu(v.key), 2),
          cpuMicrosPerRequest: v.cpu.map((c) => round(c, 2)),
          errors: v.errors,
        },
      ]),
    ),
    ratios: Object.fromEntries(Object.entries(ratios).map(([k, r]) => [k, round(r, 4)])),
    pairedRatios: Object.fromEntries(
      variants.map((v) => [`${v.key}a`, round(paired(v.key, 'a'), 4)]),
    ),
    addedCpuMicrosPerRequest: Object.fromEntries(
      variants.map((v) => [v.key, round(cpu(v.key) - cpu('a'), 2)]),
    ),
    target: {
      ba: TARGET_RATIO,
      pass,
      da: CLIENT_TARGET_RATIO,
      daPass: clientPass,
      ba2PerRoundPass: observablePass,
    },
  };
  return { name: 'overhead', rows, figures };
}
