import { startApp } from '../support/app.js';
import { API_PATH, authRefreshClient, keepAliveAgent } from '../support/clients.js';
import type { BenchConfig } from '../support/config.js';
import { startFake, type FakeHost } from '../support/fake-host.js';
import { runFor, type LoadResult } from '../support/load.js';
import { row, type Row, type ScenarioResult } from '../support/report.js';
import { round, settledHeap, canCollect } from '../support/stats.js';

const NAME = '4 rollover soak';
const LOGIN_TOLERANCE = 2;
/** Far above the ~60 logins a minute of 3-s tokens, so the budget never shapes the soak. */
const MAX_LOGINS_PER_MINUTE = 120;

interface SoakFigures {
  logins: number;
  expiredTokenRequests: number;
  revokedTokenRequests: number;
  unauthorizedSeenByServer: number;
  serverApiCalls: number;
  callerErrors: number;
  errorKinds: Record<string, number>;
  requestsPerSecond: number;
  heapGrowthMb?: number;
}

/**
 * Short-lived tokens under steady load, for ours (ZumRailsHttpService with default options)
 * and for axios-auth-refresh (refresh on 401). Counters come from the fake server, reset once
 * each client holds its first token so only rollovers inside the window are counted. Quick
 * mode runs both soaks at once, each against its own fake (counts stay per client).
 */
export async function rollover(config: BenchConfig): Promise<ScenarioResult> {
  const { tokenTtlSeconds, durationMs, concurrency, parallel } = config.rollover;
  const fakes = await Promise.all(
    Array.from({ length: parallel ? 2 : 1 }, () =>
      startFake(config.placement, { tokenTtlSeconds }),
    ),
  );
  const [oursFake, theirFake] = [fakes[0] as FakeHost, fakes.at(-1) as FakeHost];
  let ours: SoakFigures;
  let theirs: SoakFigures;
  try {
    if (parallel) {
      [ours, theirs] = await Promise.all([
        soakOurs(oursFake, durationMs, concurrency, false),
        soakAuthRefresh(theirFake, durationMs, concurrency),
      ]);
    } else {
      ours = await soakOurs(oursFake, durationMs, concurrency, canCollect);
      theirs = await soakAuthRefresh(theirFake, durationMs, concurrency);
    }
  } finally {
    await Promise.all(fakes.map((fake) => fake.stop()));
  }
  const lifetimeMs = believedLifetimeMs(tokenTtlSeconds * 1000);
  const expected = durationMs / (lifetimeMs / 2);
  const planned = durationMs / plannedIntervalMs(lifetimeMs);
  const loginsOk = Math.abs(ours.logins - expected) <= LOGIN_TOLERANCE;
  const rows: Row[] = [
    row(
      NAME,
      'setup',
      `${tokenTtlSeconds}-s tokens, ${durationMs / 1000} s, c=${concurrency}, fake: ${config.placement}` +
        (parallel ? ', both clients at once' : ''),
    ),
    row(NAME, 'ours: logins', ours.logins, {
      target: `${round(expected, 1)} ± ${LOGIN_TOLERANCE}`,
      pass: loginsOk,
    }),
    row(NAME, 'ours: logins the renewal plan predicts (mean jitter)', round(planned, 1)),
    row(NAME, 'ours: expired-token requests', ours.expiredTokenRequests, {
      target: '0',
      pass: ours.expiredTokenRequests === 0,
      gate: true,
    }),
    row(NAME, 'ours: revoked-token requests', ours.revokedTokenRequests),
    row(NAME, 'ours: 401s seen by server', ours.unauthorizedSeenByServer),
    row(NAME, 'ours: caller errors', ours.callerErrors, {
      target: '0',
      pass: ours.callerErrors === 0,
      gate: true,
    }),
    row(NAME, 'ours: req/s', ours.requestsPerSecond),
    row(NAME, 'axios-auth-refresh: logins', theirs.logins),
    row(NAME, 'axios-auth-refresh: expired-token requests', theirs.expiredTokenRequests),
    row(NAME, 'axios-auth-refresh: 401s seen by server', theirs.unauthorizedSeenByServer),
    row(NAME, 'axios-auth-refresh: caller errors', theirs.callerErrors),
    row(NAME, 'axios-auth-refresh: req/s', theirs.requestsPerSecond),
  ];
  if (ours.heapGrowthMb !== undefined)
    rows.push(row(NAME, 'ours: heap growth over soak MB', ours.heapGrowthMb));
  return {
    name: 'rollover',
    rows,
    figures: {
      tokenTtlSeconds,
      durationMs,
      concurrency,
      ours,
      axiosAuthRefresh: theirs,
      expectedLogins: round(expected, 1),
      plannedLogins: round(planned, 1),
      targets: {
        logins: `${round(expected, 1)} ± ${LOGIN_TOLERANCE}`,
        loginsPass: loginsOk,
        expiredTokenRequests: 0,
        callerErrors: 0,
        pass: ours.expiredTokenRequests === 0 && ours.callerErrors === 0,
      },
    },
  };
}

/** The lifetime the library counts: the JWT's minus the 1-s rounding of iat (≤ half of it). */
function believedLifetimeMs(jwtLifetimeMs: number): number {
  return jwtLifetimeMs - Math.min(1_000, jwtLifetimeMs / 2);
}

/** Mean renewal interval of the default plan: lifetime − min(5 min, lifetime/2) − mean jitter. */
function plannedIntervalMs(lifetimeMs: number): number {
  const lead = Math.min(5 * 60_000, lifetimeMs / 2);
  const jitterMax = Math.min(30_000, lifetimeMs / 10);
  return lifetimeMs - lead - jitterMax / 2;
}

async function soakOurs(
  fake: FakeHost,
  durationMs: number,
  concurrency: number,
  measureHeap: boolean,
): Promise<SoakFigures> {
  const agent = keepAliveAgent();
  // 3-s tokens renew about once a second: raise the login budget (default 10/min) explicitly.
  const app = await startApp(fake, agent, {
    startup: 'blocking',
    revokeOnShutdown: false,
    maxLoginsPerMinute: MAX_LOGINS_PER_MINUTE,
  });
  try {
    const heapStart = measureHeap ? await settledHeap() : undefined;
    await fake.reset();
    const load = await runFor(durationMs, concurrency, app.get);
    const figures = await collectFigures(fake, load);
    if (heapStart !== undefined)
      figures.heapGrowthMb = round(((await settledHeap()) - heapStart) / 2 ** 20, 2);
    return figures;
  } finally {
    await app.app.close();
    agent.destroy();
  }
}

async function soakAuthRefresh(
  fake: FakeHost,
  durationMs: number,
  concurrency: number,
): Promise<SoakFigures> {
  const agent = keepAliveAgent();
  const client = authRefreshClient(fake, agent);
  try {
    await client.instance.get(API_PATH); // 401, first login, retry
    await fake.reset();
    const load = await runFor(durationMs, concurrency, () => client.instance.get(API_PATH));
    return await collectFigures(fake, load);
  } finally {
    agent.destroy();
  }
}

async function collectFigures(fake: FakeHost, load: LoadResult): Promise<SoakFigures> {
  const counters = await fake.counters();
  return {
    logins: counters.logins,
    expiredTokenRequests: counters.expiredTokenCalls,
    revokedTokenRequests: counters.revokedTokenCalls,
    unauthorizedSeenByServer: counters.apiUnauthorized,
    serverApiCalls: counters.apiCalls,
    callerErrors: load.errors,
    errorKinds: load.errorKinds,
    requestsPerSecond: round(load.rate),
  };
}
