import { PerformanceObserver } from 'node:perf_hooks';
import { startApp } from '../support/app.js';
import { keepAliveAgent } from '../support/clients.js';
import type { BenchConfig } from '../support/config.js';
import { startFake } from '../support/fake-host.js';
import { row, type ScenarioResult } from '../support/report.js';
import { canCollect, collect, median, round } from '../support/stats.js';

const NAME = '2 hot path';
const TARGET_OPS = 2_000_000;
/** Ops per allocation sample: small enough to fit a fresh young generation (no scavenge). */
const ALLOCATION_BATCH = 2_000;

/** First batches run while the loop is still being optimised; not sampled. */
const WARM_UP_BATCHES = 3;

/** Awaits one operation `n` times in a row. */
type Loop = (n: number) => Promise<void>;

/**
 * `await tokens.getToken()` in a loop with a cached token, against the floor of the same loop
 * awaiting a bare `async () => constant`. Allocation: heapUsed delta over a batch started
 * right after a full GC, samples with a GC inside discarded.
 */
export async function hotPath(config: BenchConfig): Promise<ScenarioResult> {
  const { ops, rounds, allocationOps } = config.hotPath;
  const fake = await startFake(config.placement);
  const agent = keepAliveAgent();
  const app = await startApp(fake, agent, { startup: 'blocking', revokeOnShutdown: false });
  const tokens = app.tokens;
  const constant = await tokens.getToken();
  const bare = async () => constant;
  // One loop literal per op: a shared `await op()` call site would turn polymorphic and
  // charge both ops for it (measured: +150 B/op on getToken).
  const getToken: Loop = async (n) => {
    for (let i = 0; i < n; i++) await tokens.getToken();
  };
  const floor: Loop = async (n) => {
    for (let i = 0; i < n; i++) await bare();
  };
  const rates = { getToken: [] as number[], floor: [] as number[] };
  let bytes = { getToken: Number.NaN, floor: Number.NaN };
  try {
    await opsPerSecond(getToken, ops / 4);
    await opsPerSecond(floor, ops / 4);
    for (let i = 0; i < rounds; i++) {
      rates.getToken.push(await opsPerSecond(getToken, ops));
      rates.floor.push(await opsPerSecond(floor, ops));
    }
    if (canCollect) {
      bytes = {
        getToken: await bytesPerOp(getToken, allocationOps),
        floor: await bytesPerOp(floor, allocationOps),
      };
    }
  } finally {
    await app.app.close();
    agent.destroy();
    await fake.stop();
  }
  const ours = median(rates.getToken);
  const base = median(rates.floor);
  return {
    name: 'hotPath',
    rows: [
      row(NAME, 'getToken() ops/s (cached token)', ours, {
        target: `>= ${TARGET_OPS.toLocaleString('en-US')}`,
        pass: ours >= TARGET_OPS,
      }),
      row(NAME, 'floor: await async () => constant, ops/s', base),
      row(NAME, 'getToken / floor', round(ours / base, 3)),
      row(NAME, 'getToken ns/op', round(1e9 / ours, 1)),
      row(NAME, 'getToken heap bytes/op', round(bytes.getToken, 1)),
      row(NAME, 'floor heap bytes/op', round(bytes.floor, 1)),
    ],
    figures: {
      opsPerRound: ops,
      rounds,
      getTokenOpsPerSec: round(ours),
      floorOpsPerSec: round(base),
      ratioToFloor: round(ours / base, 4),
      samples: {
        getToken: rates.getToken.map((r) => round(r)),
        floor: rates.floor.map((r) => round(r)),
      },
      heapBytesPerOp: { getToken: round(bytes.getToken, 1), floor: round(bytes.floor, 1) },
      target: { opsPerSec: TARGET_OPS, pass: ours >= TARGET_OPS },
    },
  };
}

async function opsPerSecond(loop: Loop, n: number): Promise<number> {
  collect();
  const start = performance.now();
  await loop(n);
  return (n * 1000) / (performance.now() - start);
}

/** Median heapUsed growth per op over GC-free batches of {@link ALLOCATION_BATCH}. */
async function bytesPerOp(loop: Loop, totalOps: number): Promise<number> {
  let gcs = 0;
  const observer = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  observer.observe({ entryTypes: ['gc'] });
  const samples: number[] = [];
  for (let done = 0; done < totalOps; done += ALLOCATION_BATCH) {
    collect();
    await settle(); // deliver the forced GC's entry before counting
    const before = gcs;
    const start = process.memoryUsage().heapUsed;
    await loop(ALLOCATION_BATCH);
    const end = process.memoryUsage().heapUsed;
    await settle();
    if (gcs === before && done >= WARM_UP_BATCHES * ALLOCATION_BATCH) {
      samples.push((end - start) / ALLOCATION_BATCH);
    }
  }
  observer.disconnect();
  return median(samples);
}

/** Two turns of the event loop: enough for pending performance entries to reach observers. */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
}
