import { startApp } from '../support/app.js';
import { keepAliveAgent } from '../support/clients.js';
import type { BenchConfig } from '../support/config.js';
import { startFake } from '../support/fake-host.js';
import { burst } from '../support/load.js';
import { row, type ScenarioResult } from '../support/report.js';
import { median, percentile, round } from '../support/stats.js';

const NAME = '3 cold herd';

interface Repetition {
  logins: number;
  /** From the moment the burst was issued until the shared login delivered the token. */
  tokenWaitMs: number;
  /** One forced login on the warm module, nothing else running: the login's own latency. */
  soloLoginMs: number;
  errors: number;
  cold: { p50: number; p99: number };
  warm: { p50: number; p99: number };
}

/**
 * A module with no token yet (`startup: 'lazy'`) gets `requests` GETs at once through
 * ZumRailsHttpService; then the same burst on the now-warm module. Each wave gets a fresh
 * keep-alive agent (same maxSockets), so both pay the same connection set-up and the difference
 * is the cost of waiting for the one shared login.
 */
export async function coldHerd(config: BenchConfig): Promise<ScenarioResult> {
  const { requests, repetitions, maxSockets } = config.coldHerd;
  const fake = await startFake(config.placement);
  const all: Repetition[] = [];
  try {
    // One more than measured: the first runs the cold path's code before V8 optimised it.
    for (let i = 0; i <= repetitions; i++) all.push(await once(fake, requests, maxSockets));
  } finally {
    await fake.stop();
  }
  const reps = all.slice(1);
  const maxLogins = Math.max(...all.map((r) => r.logins));
  const minLogins = Math.min(...all.map((r) => r.logins));
  const errors = all.reduce((n, r) => n + r.errors, 0);
  const extraP50 = median(reps.map((r) => r.cold.p50 - r.warm.p50));
  const extraP99 = median(reps.map((r) => r.cold.p99 - r.warm.p99));
  const loginsOk = maxLogins === 1 && minLogins === 1;
  return {
    name: 'coldHerd',
    rows: [
      row(
        NAME,
        'setup',
        `${requests} concurrent GETs, ${repetitions}(+1 warm-up) cold modules, maxSockets ${maxSockets}`,
      ),
      row(
        NAME,
        'logins per cold burst',
        minLogins === maxLogins ? minLogins : `${minLogins}..${maxLogins}`,
        {
          target: '== 1',
          pass: loginsOk,
          gate: true,
        },
      ),
      row(NAME, 'caller errors', errors, { target: '0', pass: errors === 0, gate: true }),
      row(
        NAME,
        'cold burst p50 / p99 ms',
        `${fmt(median(reps.map((r) => r.cold.p50)))} / ${fmt(median(reps.map((r) => r.cold.p99)))}`,
      ),
      row(
        NAME,
        'warm burst p50 / p99 ms',
        `${fmt(median(reps.map((r) => r.warm.p50)))} / ${fmt(median(reps.map((r) => r.warm.p99)))}`,
      ),
      row(
        NAME,
        'token ready after the burst was issued ms (median)',
        round(median(reps.map((r) => r.tokenWaitMs)), 1),
      ),
      row(
        NAME,
        'one login alone, warm process ms (median)',
        round(median(reps.map((r) => r.soloLoginMs)), 1),
      ),
      row(NAME, 'extra latency of cold wave p50 / p99 ms', `${fmt(extraP50)} / ${fmt(extraP99)}`),
    ],
    figures: {
      requests,
      repetitions,
      maxSockets,
      repetitionsDetail: all,
      firstRepetitionIsWarmUp: true,
      extraLatencyMs: { p50: round(extraP50, 2), p99: round(extraP99, 2) },
      targets: { loginsPerColdBurst: 1, pass: loginsOk, callerErrors: 0 },
    },
  };
}

async function once(
  fake: Awaited<ReturnType<typeof startFake>>,
  requests: number,
  maxSockets: number,
): Promise<Repetition> {
  const coldAgent = keepAliveAgent(maxSockets);
  const app = await startApp(fake, coldAgent, { startup: 'lazy', revokeOnShutdown: false });
  const before = (await fake.counters()).logins;
  const wave = burst(requests, app.get); // issues every request synchronously
  const started = performance.now();
  const tokenWaitMs = await app.tokens.getToken().then(() => performance.now() - started);
  const cold = await wave;
  const logins = (await fake.counters()).logins - before;
  coldAgent.destroy();
  const warmAgent = keepAliveAgent(maxSockets);
  app.useAgent(warmAgent);
  const warm = await burst(requests, app.get);
  const soloStart = performance.now();
  await app.tokens.refresh();
  const soloLoginMs = performance.now() - soloStart;
  await app.app.close();
  warmAgent.destroy();
  return {
    logins,
    tokenWaitMs: round(tokenWaitMs, 2),
    soloLoginMs: round(soloLoginMs, 2),
    errors: cold.errors + warm.errors,
    cold: {
      p50: round(percentile(cold.latencies, 50), 2),
      p99: round(percentile(cold.latencies, 99), 2),
    },
    warm: {
      p50: round(percentile(warm.latencies, 50), 2),
      p99: round(percentile(warm.latencies, 99), 2),
    },
  };
}

function fmt(ms: number): string {
  return ms.toFixed(1);
}
