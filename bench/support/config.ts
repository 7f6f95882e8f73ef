import type { FakePlacement } from './fake-host.js';

/** Sizes of every scenario; `--quick` shrinks them so the whole run stays under 30 s. */
export interface BenchConfig {
  quick: boolean;
  placement: FakePlacement;
  overhead: {
    requests: number;
    concurrency: number;
    rounds: number;
    warmup: number;
    /** The diagnostic variants a2 and b2 next to the required a, b, c. */
    diagnostics: boolean;
  };
  overheadCpu: { requests: number; rounds: number };
  hotPath: { ops: number; rounds: number; allocationOps: number };
  coldHerd: { requests: number; repetitions: number; maxSockets: number };
  rollover: {
    tokenTtlSeconds: number;
    durationMs: number;
    concurrency: number;
    /** Both clients' soaks at the same time, each against its own fake (quick mode). */
    parallel: boolean;
  };
  leak: { requests: number; concurrency: number };
}

const FULL: Omit<BenchConfig, 'quick' | 'placement'> = {
  overhead: { requests: 20_000, concurrency: 32, rounds: 5, warmup: 2_000, diagnostics: true },
  overheadCpu: { requests: 20_000, rounds: 5 },
  hotPath: { ops: 2_000_000, rounds: 7, allocationOps: 20_000 },
  coldHerd: { requests: 1_000, repetitions: 9, maxSockets: 64 },
  rollover: { tokenTtlSeconds: 3, durationMs: 30_000, concurrency: 50, parallel: false },
  leak: { requests: 200_000, concurrency: 32 },
};

const QUICK: Omit<BenchConfig, 'quick' | 'placement'> = {
  overhead: { requests: 2_000, concurrency: 32, rounds: 1, warmup: 1_000, diagnostics: false },
  overheadCpu: { requests: 2_000, rounds: 3 },
  hotPath: { ops: 300_000, rounds: 3, allocationOps: 20_000 },
  coldHerd: { requests: 1_000, repetitions: 1, maxSockets: 64 },
  rollover: { tokenTtlSeconds: 3, durationMs: 6_000, concurrency: 50, parallel: true },
  leak: { requests: 20_000, concurrency: 32 },
};

/** `--quick`, `--fake=child|in-process`, `--only=overhead,leak,...` */
export function parseArgs(argv: readonly string[]): BenchConfig & { only?: Set<string> } {
  const quick = argv.includes('--quick');
  const fakeArg = argv.find((a) => a.startsWith('--fake='))?.slice('--fake='.length);
  if (fakeArg !== undefined && fakeArg !== 'child' && fakeArg !== 'in-process') {
    throw new Error(`--fake must be child or in-process, got ${fakeArg}`);
  }
  const onlyArg = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  return {
    quick,
    placement: fakeArg ?? 'child',
    ...(quick ? QUICK : FULL),
    ...(onlyArg ? { only: new Set(onlyArg.split(',')) } : {}),
  };
}
