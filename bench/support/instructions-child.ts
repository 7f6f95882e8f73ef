// Runs under `valgrind --tool=callgrind` (see scenarios/instructions.ts): warms every variant,
// then measures each in windows: `os.freemem()` before a window (callgrind zeroes its counters
// on entering uv_get_free_memory) and `os.totalmem()` after it (callgrind dumps on entering
// uv_get_total_memory). Reports each window's variant over IPC, in order.
import { freemem, totalmem } from 'node:os';
import { startCpuVariants, type CpuVariantKey } from './cpu-variants.js';
import { collect } from './stats.js';

async function main(): Promise<void> {
  const [keysArg = '', callsArg = '200', windowsArg = '5', warmupArg = '2000'] =
    process.argv.slice(2);
  const keys = keysArg.split(',') as CpuVariantKey[];
  const [calls, windows, warmup] = [callsArg, windowsArg, warmupArg].map(Number) as [
    number,
    number,
    number,
  ];
  const variants = await startCpuVariants('child');
  try {
    for (const key of keys) {
      const call = variants.calls[key];
      for (let i = 0; i < warmup; i++) await call();
    }
    for (const key of keys) {
      const call = variants.calls[key];
      // A full collection, then calls enough to settle the heap, so that no variant pays for
      // the garbage of another.
      collect();
      for (let i = 0; i < calls; i++) await call();
      for (let w = 0; w < windows; w++) {
        freemem();
        for (let i = 0; i < calls; i++) await call();
        totalmem();
        process.send?.({ key });
      }
    }
  } finally {
    await variants.close();
    process.disconnect?.();
  }
}

void main();
