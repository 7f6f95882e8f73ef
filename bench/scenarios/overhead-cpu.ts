import type { BenchConfig } from '../support/config.js';
import { CPU_VARIANT_KEYS, startCpuVariants, type CpuVariantKey } from '../support/cpu-variants.js';
import { row, type ScenarioResult } from '../support/report.js';
import { collect, median, round } from '../support/stats.js';

const NAME = '1 overhead, no network';
/** d ≤ a + 3 µs: the promise client within 3 µs of plain axios. */
const CLIENT_MAX_EXTRA_US = 3;
/** b ≤ a2 − 10 µs: the Observable service well under the stock HttpService. */
const OBSERVABLE_MIN_SAVING_US = 10;
/** Two unmeasured interleaved rounds warm the JIT for every variant. */
const WARM_UP_ROUNDS = 2;

/** One round of one variant: process CPU time and wall-clock time per call, in µs. */
interface Sample {
  cpu: number;
  wall: number;
}

/**
 * The clients of scenario 1 on a stub axios adapter (see support/cpu-variants.ts): one call at a
 * time, so the cost per call is the client's own work, free of sockets and of the fake.
 * Measured as process CPU time (user + system) per call, which other processes on a shared
 * machine inflate far less than wall-clock time (they take the CPU away, they do not add to our
 * CPU time); wall-clock time is recorded beside it. The best round of each variant is the
 * figure (interference only ever adds time); rounds interleave the variants.
 */
export async function overheadCpu(config: BenchConfig): Promise<ScenarioResult> {
  const { calls, rounds } = config.overheadCpu;
  const variants = await startCpuVariants(config.placement);
  const samples = {} as Record<CpuVariantKey, Sample[]>;
  try {
    for (let r = 0; r < WARM_UP_ROUNDS + rounds; r++) {
      for (const key of CPU_VARIANT_KEYS) {
        const sample = await timePerCall(variants.calls[key], calls);
        if (r >= WARM_UP_ROUNDS) (samples[key] ??= []).push(sample);
      }
    }
  } finally {
    await variants.close();
  }
  const best = (key: CpuVariantKey, of: keyof Sample = 'cpu') =>
    Math.min(...samples[key].map((s) => s[of]));
  const med = (key: CpuVariantKey, of: keyof Sample) => median(samples[key].map((s) => s[of]));
  const us = (key: CpuVariantKey) => best(key);
  const clientExtra = us('d') - us('a');
  const observableSaving = us('a2') - us('b');
  const perVariant = (pick: (key: CpuVariantKey) => number) =>
    Object.fromEntries(CPU_VARIANT_KEYS.map((k) => [k, round(pick(k), 2)]));
  return {
    name: 'overheadCpu',
    rows: [
      row(NAME, 'setup', `stub adapter, ${rounds}×${calls} sequential calls/variant, CPU time`),
      row(
        NAME,
        'best CPU µs/call a / a2 / b / b2 / c / d',
        CPU_VARIANT_KEYS.map((k) => us(k).toFixed(1)).join(' / '),
      ),
      row(
        NAME,
        'best wall µs/call a / a2 / b / b2 / c / d',
        CPU_VARIANT_KEYS.map((k) => best(k, 'wall').toFixed(1)).join(' / '),
      ),
      row(NAME, 'd − a: ZumRailsClient over plain axios µs/call', round(clientExtra, 2), {
        target: `<= ${CLIENT_MAX_EXTRA_US}`,
        pass: clientExtra <= CLIENT_MAX_EXTRA_US,
      }),
      row(
        NAME,
        'a2 − b: ZumRailsHttpService under stock HttpService µs/call',
        round(observableSaving, 2),
        {
          target: `>= ${OBSERVABLE_MIN_SAVING_US}`,
          pass: observableSaving >= OBSERVABLE_MIN_SAVING_US,
        },
      ),
      row(NAME, 'b2 − a: auth interceptors µs/call', round(us('b2') - us('a'), 2)),
      row(NAME, 'b − b2: ZumRailsHttpService Observable µs/call', round(us('b') - us('b2'), 2)),
      row(NAME, 'd − b2: ZumRailsClient unwrap µs/call', round(us('d') - us('b2'), 2)),
      row(NAME, 'a2 − a: stock @nestjs/axios Observable µs/call', round(us('a2') - us('a'), 2)),
    ],
    figures: {
      callsPerRound: calls,
      rounds,
      measure: 'process CPU time (user + system) per call; wall-clock beside it',
      bestCpuMicrosPerCall: perVariant((k) => best(k)),
      medianCpuMicrosPerCall: perVariant((k) => med(k, 'cpu')),
      bestWallMicrosPerCall: perVariant((k) => best(k, 'wall')),
      medianWallMicrosPerCall: perVariant((k) => med(k, 'wall')),
      samples: Object.fromEntries(
        CPU_VARIANT_KEYS.map((k) => [
          k,
          {
            cpu: samples[k].map((s) => round(s.cpu, 2)),
            wall: samples[k].map((s) => round(s.wall, 2)),
          },
        ]),
      ),
      targets: {
        clientExtraMicros: { value: round(clientExtra, 2), max: CLIENT_MAX_EXTRA_US },
        observableSavingMicros: {
          value: round(observableSaving, 2),
          min: OBSERVABLE_MIN_SAVING_US,
        },
      },
    },
  };
}

async function timePerCall(call: () => Promise<unknown>, n: number): Promise<Sample> {
  collect();
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < n; i++) await call();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / n, wall: (wall * 1000) / n };
}
