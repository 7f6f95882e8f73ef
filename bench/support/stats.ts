import { cpus, totalmem } from 'node:os';

/** Middle value; the mean of the two middle values for an even count; NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank percentile (p in 0..100); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Rounds to `digits` decimals for output. */
export function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Whether the process runs with `--expose-gc`. */
export const canCollect = typeof gc === 'function';

/** Full collections until heapUsed stops shrinking; returns heapUsed in bytes. */
export async function settledHeap(): Promise<number> {
  if (!gc) throw new Error('run node with --expose-gc');
  let last = Infinity;
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= last - 64 * 1024) return used;
    last = used;
  }
  return last;
}

/** Forces a full collection now (no-op without `--expose-gc`). */
export function collect(): void {
  gc?.();
}

/** Ref'd timers keeping the event loop alive (unref'd ones are not listed by Node). */
export function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  node: string;
  platform: string;
  totalMemoryGb: number;
}

export function machineFacts(): MachineFacts {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    totalMemoryGb: round(totalmem() / 2 ** 30, 1),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
