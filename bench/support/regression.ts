import { existsSync, readFileSync } from 'node:fs';
import { row, type Row } from './report.js';
import { round } from './stats.js';

/** A CPU-per-call figure more than this much above the committed full run is reported. */
export const REGRESSION_THRESHOLD = 0.25;

/** One CPU-per-call figure of this run beside the committed full run's. */
export interface CpuComparison {
  key: string;
  micros: number;
  committed: number | undefined;
  /** (this − committed) / committed; undefined without a committed figure. */
  change: number | undefined;
  regressed: boolean;
}

type CpuFigures = Record<string, number>;

/** Scenarios whose `bestCpuMicrosPerCall` the guard compares, and the prefix of their keys. */
const GUARDED: ReadonlyArray<[scenario: string, prefix: string]> = [
  ['overheadCpu', ''],
  ['rateLimitCpu', 'rate limit '],
];

/** The best CPU µs per call of every guarded figure (no-network clients, rate limit paths). */
export function cpuPerCall(scenarios: Record<string, unknown> | undefined): CpuFigures | undefined {
  const all: CpuFigures = {};
  for (const [scenario, prefix] of GUARDED) {
    const figures = scenarios?.[scenario] as { bestCpuMicrosPerCall?: CpuFigures } | undefined;
    for (const [key, micros] of Object.entries(figures?.bestCpuMicrosPerCall ?? {})) {
      all[prefix + key] = micros;
    }
  }
  return Object.keys(all).length > 0 ? all : undefined;
}

/**
 * This run's CPU-per-call figures against those of the committed full run (`results.json`):
 * the regression guard of CI's quick bench. Reported, never failed: the machines differ and
 * are noisy, so a figure above the threshold is a reason to look, not a verdict.
 */
export function compareCpu(current: CpuFigures, committedFile: string): CpuComparison[] {
  const committed = existsSync(committedFile)
    ? cpuPerCall(
        (JSON.parse(readFileSync(committedFile, 'utf8')) as { scenarios?: Record<string, unknown> })
          .scenarios,
      )
    : undefined;
  return Object.entries(current).map(([key, micros]) => {
    const base = committed?.[key];
    const change = base === undefined || base <= 0 ? undefined : (micros - base) / base;
    return {
      key,
      micros,
      committed: base,
      change,
      regressed: (change ?? 0) > REGRESSION_THRESHOLD,
    };
  });
}

/** Table rows of the comparison (informative: never a gate). */
export function regressionRows(comparisons: readonly CpuComparison[]): Row[] {
  const scenario = '1 overhead, no network';
  return comparisons.map((c) =>
    row(
      scenario,
      `CPU µs/call ${c.key} vs committed full run`,
      c.committed === undefined
        ? `${c.micros.toFixed(1)} (no committed figure)`
        : `${c.micros.toFixed(1)} vs ${c.committed.toFixed(1)} (${formatChange(c.change!)})`,
      c.committed === undefined
        ? undefined
        : { target: `<= +${REGRESSION_THRESHOLD * 100} % (reported)`, pass: !c.regressed },
    ),
  );
}

/** The lines CI's log shows: every figure, and a REGRESSION line for each one above the threshold. */
export function regressionReport(comparisons: readonly CpuComparison[]): string[] {
  const lines = ['CPU per call (best round) against the committed full run (bench/results.json):'];
  for (const c of comparisons) {
    const base =
      c.committed === undefined
        ? 'no committed figure'
        : `committed ${c.committed.toFixed(1)} µs, ${formatChange(c.change!)}`;
    lines.push(`  ${c.key.padEnd(18)} ${c.micros.toFixed(1).padStart(7)} µs  (${base})`);
  }
  for (const c of comparisons.filter((x) => x.regressed)) {
    lines.push(
      `REGRESSION (reported, not failed): CPU per call of ${c.key} is ${c.micros.toFixed(1)} µs, ` +
        `${formatChange(c.change!)} against the committed ${c.committed!.toFixed(1)} µs ` +
        `(threshold +${REGRESSION_THRESHOLD * 100} %)`,
    );
  }
  return lines;
}

function formatChange(change: number): string {
  const percent = round(change * 100, 1);
  return `${percent >= 0 ? '+' : ''}${percent} %`;
}
