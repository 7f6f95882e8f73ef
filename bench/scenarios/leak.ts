import { startApp } from '../support/app.js';
import { keepAliveAgent } from '../support/clients.js';
import type { BenchConfig } from '../support/config.js';
import { startFake } from '../support/fake-host.js';
import { runCountWithin } from '../support/load.js';
import { row, type ScenarioResult } from '../support/report.js';
import { activeTimeouts, canCollect, round, settledHeap } from '../support/stats.js';

const NAME = '5 leak check';
const MAX_GROWTH_MB = 5;
const CHECKPOINTS = 4;
const MB = 2 ** 20;

/**
 * Many requests through ZumRailsHttpService; heapUsed after full GCs at the start (after a
 * warm-up) and after each quarter; the library's timeouts in the app's SchedulerRegistry; ref'd
 * Timeouts of the whole process before the app, at the end, and after `app.close()`.
 */
export async function leak(config: BenchConfig): Promise<ScenarioResult> {
  if (!canCollect) throw new Error('the leak check needs node --expose-gc');
  const { requests, concurrency, maxMs } = config.leak;
  const fake = await startFake(config.placement);
  const agent = keepAliveAgent();
  const refTimeoutsBefore = activeTimeouts();
  const app = await startApp(fake, agent, { startup: 'blocking', revokeOnShutdown: false });
  let errors = 0;
  let sent = 0;
  const heap: number[] = [];
  let libraryTimers: number;
  let refTimeoutsAtEnd: number;
  try {
    await runCountWithin(Math.min(5_000, requests / 10), maxMs / 8, concurrency, app.get);
    heap.push(await settledHeap());
    for (let i = 0; i < CHECKPOINTS; i++) {
      // Bounded in time too: a loaded machine sends fewer requests, the run stays as long.
      const load = await runCountWithin(
        requests / CHECKPOINTS,
        maxMs / CHECKPOINTS,
        concurrency,
        app.get,
      );
      errors += load.errors;
      sent += load.ok + load.errors;
      heap.push(await settledHeap());
    }
    libraryTimers = app.libraryTimers();
    refTimeoutsAtEnd = activeTimeouts();
  } finally {
    await app.app.close();
    agent.destroy();
    await fake.stop();
  }
  const refTimeoutsAfterClose = activeTimeouts();
  const growthMb = ((heap.at(-1) as number) - (heap[0] as number)) / MB;
  const growthOk = growthMb < MAX_GROWTH_MB;
  const timersOk = libraryTimers === 1;
  return {
    name: 'leak',
    rows: [
      row(
        NAME,
        'setup',
        `${sent.toLocaleString('en-US')} GETs via ZumRailsHttpService (at most ${requests.toLocaleString('en-US')} in ${maxMs / 1000} s), c=${concurrency}`,
      ),
      row(NAME, 'heap after GC: start → end MB', `${mb(heap[0])} → ${mb(heap.at(-1))}`),
      row(NAME, 'heap growth MB', round(growthMb, 2), {
        target: `< ${MAX_GROWTH_MB}`,
        pass: growthOk,
        gate: true,
      }),
      row(NAME, 'library timers (SchedulerRegistry)', libraryTimers, {
        target: '== 1',
        pass: timersOk,
        gate: true,
      }),
      row(
        NAME,
        "ref'd Timeouts: before / end / after close",
        `${refTimeoutsBefore} / ${refTimeoutsAtEnd} / ${refTimeoutsAfterClose}`,
      ),
      row(NAME, 'caller errors', errors, { target: '0', pass: errors === 0, gate: true }),
    ],
    figures: {
      requests: sent,
      maxRequests: requests,
      maxMs,
      concurrency,
      heapAfterGcMb: heap.map((h) => round(h / MB, 2)),
      heapGrowthMb: round(growthMb, 3),
      libraryTimers,
      refTimeouts: {
        before: refTimeoutsBefore,
        atEnd: refTimeoutsAtEnd,
        afterClose: refTimeoutsAfterClose,
      },
      callerErrors: errors,
      targets: {
        heapGrowthMb: MAX_GROWTH_MB,
        libraryTimers: 1,
        pass: growthOk && timersOk && errors === 0,
      },
    },
  };
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? '?' : (bytes / MB).toFixed(2);
}
