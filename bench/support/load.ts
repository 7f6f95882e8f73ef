/** What a closed-loop run saw. */
export interface LoadResult {
  ok: number;
  errors: number;
  elapsedMs: number;
  /** Requests per second (ok + errors). */
  rate: number;
  /** Error kinds seen, e.g. `ZumRailsHttpError 401` → count. */
  errorKinds: Record<string, number>;
}

type Call = () => Promise<unknown>;

/** `total` calls by `concurrency` workers, each awaiting its previous call (closed loop). */
export function runCount(total: number, concurrency: number, call: Call): Promise<LoadResult> {
  let left = total;
  return run(concurrency, call, () => left-- > 0);
}

/** `total` calls as {@link runCount}, but no call starts after `ms` milliseconds. */
export function runCountWithin(
  total: number,
  ms: number,
  concurrency: number,
  call: Call,
): Promise<LoadResult> {
  let left = total;
  const end = performance.now() + ms;
  return run(concurrency, call, () => left-- > 0 && performance.now() < end);
}

/** Calls for `ms` milliseconds by `concurrency` workers (closed loop). */
export function runFor(ms: number, concurrency: number, call: Call): Promise<LoadResult> {
  const end = performance.now() + ms;
  return run(concurrency, call, () => performance.now() < end);
}

async function run(concurrency: number, call: Call, more: () => boolean): Promise<LoadResult> {
  const result: LoadResult = { ok: 0, errors: 0, elapsedMs: 0, rate: 0, errorKinds: {} };
  const worker = async (): Promise<void> => {
    while (more()) {
      try {
        await call();
        result.ok++;
      } catch (error) {
        result.errors++;
        const kind = describeError(error);
        result.errorKinds[kind] = (result.errorKinds[kind] ?? 0) + 1;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.elapsedMs = performance.now() - start;
  result.rate = ((result.ok + result.errors) * 1000) / result.elapsedMs;
  return result;
}

/** Latency in ms of each of `count` calls started at once. */
export async function burst(
  count: number,
  call: Call,
): Promise<{ latencies: number[]; errors: number }> {
  let errors = 0;
  const one = async (): Promise<number> => {
    const start = performance.now();
    try {
      await call();
    } catch {
      errors++;
    }
    return performance.now() - start;
  };
  const latencies = await Promise.all(Array.from({ length: count }, one));
  return { latencies, errors };
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const { status, code } = error as { status?: unknown; code?: unknown };
  return [error.name, status, code].filter((part) => part !== undefined).join(' ');
}
