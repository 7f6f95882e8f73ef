import type { FakePlacement } from './fake-host.js';

/**
 * Sizes of every scenario. The full run is bounded by time, not by request counts: rounds and
 * soaks last a fixed time, so a slow or loaded machine gets fewer requests, never a longer run
 * (about 4 minutes in all). `--quick` shrinks everything so the whole run stays under 30 s.
 */
export interface BenchConfig {
  quick: boolean;
  placement: FakePlacement;
  overhead: {
    /** Closed-loop load per variant and round, in ms. */
    roundMs: number;
    concurrency: number;
    rounds: number;
    /** Unmeasured interleaved rounds first, each this long per variant. */
    warmupMs: number;
    /** The diagnostic variants a2 and b2 next to the required a, b, c, d. */
    diagnostics: boolean;
  };
  overheadCpu: { calls: number; rounds: number };
  hotPath: { ops: number; rounds: number; allocationOps: number };
  coldHerd: { requests: number; repetitions: number; maxSockets: number };
  rollover: {
    tokenTtlSeconds: number;
    durationMs: number;
    concurrency: number;
    /** Both clients' soaks at the same time, each against its own fake (quick mode). */
    parallel: boolean;
  };
  leak: {
    requests: number;
    concurrency: number;
    /** The load stops here even if fewer requests were sent (a slow machine); ms. */
    maxMs: number;
  };
  fleet: { durationMs: number };
  /** Instructions per call under callgrind (`--only=instructions`; valgrind needed). */
  instructions: { calls: number; windows: number; warmup: number };
  /** Calls per round of the rate limiter's CPU scenario (Redis: one EVAL each), and rounds. */
  rateLimitCpu: { calls: number; redisCalls: number; rounds: number };
}

const FULL: Omit<BenchConfig, 'quick' | 'placement'> = {
  // 7 rounds of 1.5 s: the per-round ratios need rounds, not long ones (load drifts anyway).
  overhead: { roundMs: 1_500, concurrency: 32, rounds: 7, warmupMs: 1_000, diagnostics: true },
  overheadCpu: { calls: 10_000, rounds: 5 },
  hotPath: { ops: 1_000_000, rounds: 7, allocationOps: 20_000 },
  coldHerd: { requests: 1_000, repetitions: 7, maxSockets: 64 },
  rollover: { tokenTtlSeconds: 3, durationMs: 20_000, concurrency: 50, parallel: false },
  leak: { requests: 100_000, concurrency: 32, maxMs: 40_000 },
  fleet: { durationMs: 12_000 },
  instructions: { calls: 300, windows: 5, warmup: 2_000 },
  rateLimitCpu: { calls: 20_000, redisCalls: 2_000, rounds: 5 },
};

const QUICK: Omit<BenchConfig, 'quick' | 'placement'> = {
  overhead: { roundMs: 700, concurrency: 32, rounds: 1, warmupMs: 300, diagnostics: false },
  overheadCpu: { calls: 5_000, rounds: 3 },
  hotPath: { ops: 300_000, rounds: 3, allocationOps: 20_000 },
  coldHerd: { requests: 1_000, repetitions: 1, maxSockets: 64 },
  rollover: { tokenTtlSeconds: 3, durationMs: 6_000, concurrency: 50, parallel: true },
  leak: { requests: 20_000, concurrency: 32, maxMs: 8_000 },
  fleet: { durationMs: 4_000 },
  instructions: { calls: 100, windows: 3, warmup: 1_000 },
  rateLimitCpu: { calls: 5_000, redisCalls: 500, rounds: 3 },
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
