// `npm run bench [-- --quick] [-- --fake=in-process] [-- --only=overhead,leak]`: see bench/README.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs, type BenchConfig } from './support/config.js';
import {
  compareCpu,
  cpuPerCall,
  regressionReport,
  regressionRows,
  type CpuComparison,
} from './support/regression.js';
import { formatTable, type Row, type ScenarioResult } from './support/report.js';
import { canCollect, machineFacts, round } from './support/stats.js';
import { coldHerd } from './scenarios/cold-herd.js';
import { fleet } from './scenarios/fleet.js';
import { hotPath } from './scenarios/hot-path.js';
import { instructions } from './scenarios/instructions.js';
import { leak } from './scenarios/leak.js';
import { overhead } from './scenarios/overhead.js';
import { overheadCpu } from './scenarios/overhead-cpu.js';
import { rateLimitCpu } from './scenarios/rate-limit-cpu.js';
import { rollover } from './scenarios/rollover.js';

const SCENARIOS: ReadonlyArray<[string, (config: BenchConfig) => Promise<ScenarioResult>]> = [
  ['overhead', overhead],
  ['overheadCpu', overheadCpu],
  ['hotPath', hotPath],
  ['coldHerd', coldHerd],
  ['rollover', rollover],
  ['leak', leak],
  ['fleet', fleet],
  ['rateLimitCpu', rateLimitCpu],
];

/** Run only when named in `--only` (slow, and independent of load): see its file. */
const ON_REQUEST: ReadonlyArray<[string, (config: BenchConfig) => Promise<ScenarioResult>]> = [
  ['instructions', instructions],
];

const RESULTS = fileURLToPath(new URL('../bench/results.json', import.meta.url));

async function main(): Promise<number> {
  const config = parseArgs(process.argv.slice(2));
  if (!canCollect) console.error('note: run with node --expose-gc for heap figures');
  const loadAtStart = loadavg().map((l) => round(l, 2));
  const started = performance.now();
  const results: ScenarioResult[] = [];
  const scenarioSeconds: Record<string, number> = {};
  for (const [name, scenario] of [...SCENARIOS, ...ON_REQUEST]) {
    if (config.only ? !config.only.has(name) : ON_REQUEST.some(([n]) => n === name)) continue;
    const t0 = performance.now();
    process.stderr.write(`${name}... `);
    results.push(await scenario(config));
    scenarioSeconds[name] = round((performance.now() - t0) / 1000, 1);
    process.stderr.write(`${scenarioSeconds[name]} s\n`);
  }
  const seconds = round((performance.now() - started) / 1000, 1);
  const machine = {
    ...machineFacts(),
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
  };
  // The regression guard: this run's CPU per call against the committed full run's.
  const current = cpuPerCall(Object.fromEntries(results.map((r) => [r.name, r.figures])));
  const comparisons = current && config.quick ? compareCpu(current, RESULTS) : [];
  const rows = [...results.flatMap((r) => r.rows), ...regressionRows(comparisons)];
  console.log(
    `\n${machine.cpuModel} × ${machine.cores}, Node ${machine.node}, load average ${loadAtStart.join(' ')} at the start, ${config.quick ? 'quick' : 'full'} run, ${seconds} s\n`,
  );
  console.log(formatTable(rows));
  if (comparisons.length > 0) console.log(`\n${regressionReport(comparisons).join('\n')}`);
  const failed = rows.filter((r) => r.gate && r.pass === false);
  // Only a complete full run replaces the committed results.json.
  const suffix = config.only ? '.partial' : config.quick ? '.quick' : '';
  const file = fileURLToPath(new URL(`../bench/results${suffix}.json`, import.meta.url));
  const json = report(config, seconds, scenarioSeconds, machine, results, rows, comparisons);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  const counted = results.find((r) => r.name === 'instructions');
  if (counted && !config.quick && !counted.figures.skipped) mergeInstructions(counted, machine);
  for (const r of failed)
    console.error(
      `count target missed: ${r.scenario}: ${r.figure} = ${r.value} (target ${r.target})`,
    );
  return failed.length === 0 ? 0 : 1;
}

/**
 * Instruction counts do not depend on the machine's load, and take too long under callgrind for
 * the timed full run: a full `--only=instructions` run adds them to the committed results.json,
 * dated, beside the full run's figures.
 */
function mergeInstructions(result: ScenarioResult, machine: Record<string, unknown>): void {
  if (!existsSync(RESULTS)) return;
  const committed = JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>;
  committed.instructions = { date: new Date().toISOString(), machine, ...result.figures };
  writeFileSync(RESULTS, `${JSON.stringify(committed, null, 2)}\n`);
  console.log(`added the instruction counts to ${RESULTS}`);
}

function report(
  config: BenchConfig,
  seconds: number,
  scenarioSeconds: Record<string, number>,
  machine: Record<string, unknown>,
  results: ScenarioResult[],
  rows: Row[],
  comparisons: CpuComparison[],
): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    mode: config.quick ? 'quick' : 'full',
    durationSeconds: seconds,
    scenarioSeconds,
    fakePlacement: config.placement,
    machine,
    ...(comparisons.length > 0 ? { cpuRegressionCheck: comparisons } : {}),
    scenarios: Object.fromEntries(results.map((r) => [r.name, r.figures])),
    targets: rows
      .filter((r) => r.target !== undefined)
      .map((r) => ({
        scenario: r.scenario,
        figure: r.figure,
        value: r.value,
        target: r.target,
        pass: r.pass,
        gating: r.gate === true,
      })),
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
