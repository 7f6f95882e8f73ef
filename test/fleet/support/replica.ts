import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ZumRailsTokenService,
  ZumRailsAuthModule,
  type ZumRailsAuthOptions,
  type ZumRailsTokenEvent,
} from '../../../lib/index.js';
import type { FakeZumRails } from '../../../lib/testing/index.js';
import { LogCapture } from '../../support/log-capture.js';
import { fakeOptions } from '../../support/auth-app.js';

/** One replica of the app: its own Nest application context, sharing only the store. */
export interface Replica {
  readonly name: string;
  readonly app: INestApplicationContext;
  readonly tokens: ZumRailsTokenService;
  /** Nest's logger is process-wide: every in-process replica writes to the same capture. */
  readonly logs: LogCapture;
  /** Every event since boot (subscribed before bootstrap). */
  readonly events: ZumRailsTokenEvent[];
  /** Tokens this replica obtained by logging in itself. */
  logins(): number;
  /** Tokens this replica took from the store. */
  adoptions(): number;
}

/** Options for a replica against the fake: background start, timeouts that tolerate load. */
export function replicaOptions(
  fake: FakeZumRails,
  overrides: Partial<ZumRailsAuthOptions> = {},
): ZumRailsAuthOptions {
  return fakeOptions(fake, {
    startup: 'background',
    // Generous for loopback: a login or store call merely slowed by a loaded machine must not
    // count as an outage (outage suites cut Redis, and ioredis then fails fast).
    requestTimeoutMs: 3_000,
    storeTimeoutMs: 3_000,
    tokenWaitTimeoutMs: 5_000,
    ...overrides,
  });
}

export async function startReplica(
  name: string,
  options: ZumRailsAuthOptions,
  logs: LogCapture,
): Promise<Replica> {
  const moduleRef = await Test.createTestingModule({
    imports: [ZumRailsAuthModule.forRoot(options)],
  })
    .setLogger(logs)
    .compile();
  const tokens = moduleRef.get(ZumRailsTokenService);
  const events: ZumRailsTokenEvent[] = [];
  tokens.events$.subscribe((event) => events.push(event));
  const app = await moduleRef.init();
  const count = (origin: 'login' | 'store') =>
    events.filter(
      (event) => (event.type === 'acquired' || event.type === 'renewed') && event.origin === origin,
    ).length;
  return {
    name,
    app,
    tokens,
    logs,
    events,
    logins: () => count('login'),
    adoptions: () => count('store'),
  };
}

/**
 * Calls `getToken()` on every replica every `everyMs` until `until()` is true; each token must
 * be valid at the fake when handed out. Returns the calls and the failures.
 */
export async function callContinuously(
  fake: FakeZumRails,
  replicas: readonly Replica[],
  everyMs: number,
  until: () => boolean,
): Promise<{ calls: number; failures: string[]; tokens: Set<string> }> {
  const failures: string[] = [];
  const tokens = new Set<string>();
  let calls = 0;
  while (!until()) {
    await Promise.all(
      replicas.map(async (replica) => {
        calls += 1;
        try {
          const token = await replica.tokens.getToken();
          tokens.add(token);
          if (!fake.isTokenValid(token)) failures.push(`${replica.name}: invalid token`);
        } catch (error) {
          failures.push(`${replica.name}: ${(error as Error).message}`);
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return { calls, failures, tokens };
}
