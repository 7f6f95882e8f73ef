import { HttpService } from '@nestjs/axios';
import type { InternalAxiosRequestConfig } from 'axios';
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
import { row, type ScenarioResult } from '../support/report.js';
import { collect, median, round } from '../support/stats.js';

const NAME = '1 overhead, no network';

/** A small success envelope, as Zum Rails sends (the client unwraps `result`). */
const ENVELOPE = {
  statusCode: 200,
  message: 'GET Request successful.',
  isError: false,
  result: [],
};

/** Answers at once: what remains is the client's own work per request. */
const stubAdapter = (config: InternalAxiosRequestConfig) =>
  Promise.resolve({
    data: ENVELOPE,
    status: 200,
    statusText: 'OK',
    headers: {},
    config,
    request: {},
  });

/**
 * The same five clients as scenario 1 with a stub axios adapter: one request at a time, so the
 * time per request is the client's CPU cost alone, free of sockets and of the fake. Much less
 * sensitive to a noisy machine than end-to-end throughput; the best round of each variant
 * is reported (other processes can only add time). Two unmeasured rounds warm the JIT.
 */
export async function overheadCpu(config: BenchConfig): Promise<ScenarioResult> {
  const { requests, rounds } = config.overheadCpu;
  const fake = await startFake(config.placement);
  const agent = keepAliveAgent();
  const app = await startApp(fake, agent, { startup: 'blocking', revokeOnShutdown: false });
  const plain = plainClient(fake, agent, await loginOnce(fake, agent));
  const refresh = authRefreshClient(fake, agent);
  for (const instance of [plain, app.http.axiosRef, refresh.instance]) {
    instance.defaults.adapter = stubAdapter;
  }
  const nest = new HttpService(plain);
  const variants: Record<string, () => Promise<unknown>> = {
    a: () => plain.get(API_PATH),
    a2: () => firstValueFrom(nest.get(API_PATH)),
    b: app.get,
    b2: () => app.http.axiosRef.get(API_PATH),
    c: () => refresh.instance.get(API_PATH),
    d: app.clientGet,
  };
  const micros: Record<string, number[]> = {};
  try {
    for (let r = 0; r < 2; r++) {
      for (const call of Object.values(variants)) await timePerCall(call, requests);
    }
    for (let r = 0; r < rounds; r++) {
      for (const [key, call] of Object.entries(variants)) {
        (micros[key] ??= []).push(await timePerCall(call, requests));
      }
    }
  } finally {
    await app.app.close();
    agent.destroy();
    await fake.stop();
  }
  // Best of the rounds: on a shared machine other processes only ever add time to a round.
  const best = Object.fromEntries(Object.entries(micros).map(([k, v]) => [k, Math.min(...v)]));
  const med = Object.fromEntries(Object.entries(micros).map(([k, v]) => [k, median(v)]));
  const us = (key: string) => best[key] as number;
  return {
    name: 'overheadCpu',
    rows: [
      row(NAME, 'setup', `stub adapter, ${rounds}×${requests} sequential calls/variant`),
      row(
        NAME,
        'best µs/request a / a2 / b / b2 / c / d',
        ['a', 'a2', 'b', 'b2', 'c', 'd'].map((k) => us(k).toFixed(1)).join(' / '),
      ),
      row(NAME, 'd − b2: ZumRailsClient unwrap µs/request', round(us('d') - us('b2'), 2)),
      row(NAME, 'b2 − a: auth interceptors µs/request', round(us('b2') - us('a'), 2)),
      row(NAME, 'b − b2: ZumRailsHttpService Observable µs/request', round(us('b') - us('b2'), 2)),
      row(NAME, 'a2 − a: stock @nestjs/axios Observable µs/request', round(us('a2') - us('a'), 2)),
      row(NAME, 'b − a2: ours vs stock HttpService µs/request', round(us('b') - us('a2'), 2)),
    ],
    figures: {
      requestsPerRound: requests,
      rounds,
      bestMicrosPerRequest: Object.fromEntries(
        Object.entries(best).map(([k, v]) => [k, round(v, 2)]),
      ),
      medianMicrosPerRequest: Object.fromEntries(
        Object.entries(med).map(([k, v]) => [k, round(v, 2)]),
      ),
      samples: Object.fromEntries(
        Object.entries(micros).map(([k, v]) => [k, v.map((x) => round(x, 2))]),
      ),
    },
  };
}

async function timePerCall(call: () => Promise<unknown>, n: number): Promise<number> {
  collect();
  const start = performance.now();
  for (let i = 0; i < n; i++) await call();
  return ((performance.now() - start) * 1000) / n;
}
