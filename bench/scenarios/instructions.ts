import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from '../support/config.js';
import { CPU_VARIANT_KEYS } from '../support/cpu-variants.js';
import { row, type ScenarioResult } from '../support/report.js';
import { round } from '../support/stats.js';

const NAME = '1 overhead, instructions';

/**
 * Instructions per call of each client of the no-network scenario, counted by valgrind's
 * callgrind: unlike time, the count does not depend on what else runs on the machine (same
 * binary, same input: the same count within about 1 %). One process under callgrind warms every
 * variant, then measures each in turn: `support/instructions-child.ts` calls `os.freemem()`
 * before a variant's calls (callgrind zeroes its counters there) and `os.totalmem()` after
 * (callgrind writes a dump). Every thread is counted; the child runs V8 single-threaded so
 * background compilation and GC threads add no noise. Slow (valgrind runs JIT code ~100×
 * slower): `--only=instructions`, not part of the timed full run.
 */
export async function instructions(config: BenchConfig): Promise<ScenarioResult> {
  const { calls, windows, warmup } = config.instructions;
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    return {
      name: 'instructions',
      rows: [row(NAME, 'setup', 'valgrind not found: skipped')],
      figures: { skipped: 'valgrind not found' },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'zumrails-callgrind-'));
  try {
    const child = fileURLToPath(new URL('../support/instructions-child.js', import.meta.url));
    const args = [
      '--tool=callgrind',
      '--smc-check=all-non-file',
      '--zero-before=uv_get_free_memory',
      '--dump-before=uv_get_total_memory',
      `--callgrind-out-file=${join(dir, 'callgrind.out')}`,
      process.execPath,
      '--expose-gc',
      '--single-threaded',
      // Small young generation: frequent, small scavenges that every window shares alike.
      '--max-semi-space-size=1',
      child,
      CPU_VARIANT_KEYS.join(','),
      String(calls),
      String(windows),
      String(warmup),
    ];
    const order = await runChild('valgrind', args);
    const totals = dumps(dir);
    // The last dumps are the windows, in the order the child reported them.
    const counts: Record<string, number[]> = {};
    order.forEach((key, i) => {
      (counts[key] ??= []).push(totals[totals.length - order.length + i]! / calls);
    });
    // The best window of each: a major GC (or anything else) only ever adds instructions.
    const perCall = Object.fromEntries(
      Object.entries(counts).map(([key, values]) => [key, round(Math.min(...values))]),
    );
    const k = (key: string) => perCall[key] ?? Number.NaN;
    const thousands = (key: string) => `${(k(key) / 1000).toFixed(1)}k`;
    return {
      name: 'instructions',
      rows: [
        row(
          NAME,
          'setup',
          `callgrind, best of ${windows} windows × ${calls} calls/variant, after ${warmup} warm-up calls each`,
        ),
        row(
          NAME,
          'instructions/call a / a2 / b / b2 / c / d',
          CPU_VARIANT_KEYS.map(thousands).join(' / '),
        ),
        row(NAME, 'd − a instructions/call', k('d') - k('a')),
        row(NAME, 'a2 − b instructions/call', k('a2') - k('b')),
      ],
      figures: {
        callsPerWindow: calls,
        windows,
        warmup,
        instructionsPerCall: perCall,
        windowsPerCall: Object.fromEntries(
          Object.entries(counts).map(([key, values]) => [key, values.map((v) => round(v))]),
        ),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the child under valgrind; resolves the variant keys in the order they were measured. */
function runChild(command: string, args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const order: string[] = [];
    let stderr = '';
    child.stderr?.on(
      'data',
      (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)),
    );
    child.on('message', (message: { key?: string }) => {
      if (message.key) order.push(message.key);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(order) : reject(new Error(`callgrind run failed (${code}): ${stderr}`)),
    );
  });
}

/** The `totals:` of each numbered dump, in dump order. */
function dumps(dir: string): number[] {
  return readdirSync(dir)
    .map((file) => /\.(\d+)$/.exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((x, y) => Number(x[1]) - Number(y[1]))
    .map((match) => {
      const text = readFileSync(join(dir, match.input), 'utf8');
      return Number(/^totals:\s*(\d+)/m.exec(text)?.[1] ?? Number.NaN);
    });
}
