// `npm run bench [-- --quick] [-- --fake=in-process] [-- --only=overhead,leak]`: see bench/README.md.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type BenchConfig } from './support/config.js';
import { formatTable, type Row, type ScenarioResult } from './support/report.js';
import { canCollect, machineFacts, round } from './support/stats.js';
import { coldHerd } from './scenarios/cold-herd.js';
import { fleet } from './scenarios/fleet.js';
import { hotPath } from './scenarios/hot-path.js';
import { leak } from './scenarios/leak.js';
import { overhead } from './scenarios/overhead.js';
import { overheadCpu } from './scenarios/overhead-cpu.js';
import { rollover } from './scenarios/rollover.js';

const SCENARIOS: ReadonlyArray<[string, (config: BenchConfig) => Promise<ScenarioResult>]> = [
  ['overhead', overhead],
  ['overheadCpu', overheadCpu],
  ['hotPath', hotPath],
  ['coldHerd', coldHerd],
  ['rollover', rollover],
  ['leak', leak],
  ['fleet', fleet],
];

async function main(): Promise<number> {
  const config = parseArgs(process.argv.slice(2));
  if (!canCollect) console.error('note: run with node --expose-gc for heap figures');
  const started = performance.now();
  const results: ScenarioResult[] = [];
  for (const [name, scenario] of SCENARIOS) {
    if (config.only && !config.only.has(name)) continue;
    const t0 = performance.now();
    process.stderr.write(`${name}... `);
    results.push(await scenario(config));
    process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const seconds = round((performance.now() - started) / 1000, 1);
  const rows = results.flatMap((r) => r.rows);
  const machine = machineFacts();
  console.log(
    `\n${machine.cpuModel} × ${machine.cores}, Node ${machine.node}, ${config.quick ? 'quick' : 'full'} run, ${seconds} s\n`,
  );
  console.log(formatTable(rows));
  const failed = rows.filter((r) => r.gate && r.pass === false);
  // Only a complete full run replaces the committed results.json.
  const suffix = config.only ? '.partial' : config.quick ? '.quick' : '';
  const file = fileURLToPath(new URL(`../bench/results${suffix}.json`, import.meta.url));
  writeFileSync(
    file,
    `${JSON.stringify(report(config, seconds, machine, results, rows), null, 2)}\n`,
  );
  console.log(`\nwrote ${file}`);
  for (const r of failed)
    console.error(
      `count target missed: ${r.scenario}: ${r.figure} = ${r.value} (target ${r.target})`,
    );
  return failed.length === 0 ? 0 : 1;
}

function report(
  config: BenchConfig,
  seconds: number,
  machine: ReturnType<typeof machineFacts>,
  results: ScenarioResult[],
  rows: Row[],
): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    mode: config.quick ? 'quick' : 'full',
    durationSeconds: seconds,
    fakePlacement: config.placement,
    machine,
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
