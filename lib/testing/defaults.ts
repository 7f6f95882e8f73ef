import type { FakeZumRailsClock, FakeZumRailsCounters, FakeZumRailsOptions } from './types.js';

/** Options after defaults and validation. */
export type ResolvedFakeOptions = Required<FakeZumRailsOptions>;

/** Defaults for every {@link FakeZumRailsOptions} field, in one place. */
const DEFAULT_FAKE_OPTIONS: ResolvedFakeOptions = {
  username: 'fake-api-user',
  password: 'fake-api-password',
  tokenTtlSeconds: 3600,
  host: '127.0.0.1',
  port: 0,
  maxRecordedRequests: 1000,
  clock: { now: () => Date.now() } satisfies FakeZumRailsClock,
  tls: false,
};

/**
 * @throws {RangeError} when a ttl is not an integer >= 1.
 */
export function assertTtl(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new RangeError(`tokenTtlSeconds must be an integer >= 1, got ${String(seconds)}`);
  }
}

/**
 * Applies defaults and validates.
 * @throws {RangeError} on an invalid ttl, port or ring size.
 * @throws {TypeError} on an empty username or password.
 */
export function resolveFakeOptions(options: FakeZumRailsOptions): ResolvedFakeOptions {
  const resolved: ResolvedFakeOptions = { ...DEFAULT_FAKE_OPTIONS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) Object.assign(resolved, { [key]: value });
  }
  assertTtl(resolved.tokenTtlSeconds);
  const { port, maxRecordedRequests, username, password } = resolved;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port must be an integer in 0..65535, got ${String(port)}`);
  }
  if (!Number.isInteger(maxRecordedRequests) || maxRecordedRequests < 0) {
    throw new RangeError(`maxRecordedRequests must be an integer >= 0`);
  }
  if (typeof username !== 'string' || username === '' || typeof password !== 'string') {
    throw new TypeError('username must be a non-empty string and password a string');
  }
  const { tls } = resolved;
  if (
    typeof tls === 'object' &&
    tls !== null &&
    (tls.key === undefined) !== (tls.cert === undefined)
  ) {
    throw new TypeError('tls.key and tls.cert go together: give both or neither');
  }
  return resolved;
}

/** Fresh zeroed counters. */
export function zeroCounters(): FakeZumRailsCounters {
  return {
    logins: 0,
    failedLogins: 0,
    cancels: 0,
    failedCancels: 0,
    apiCalls: 0,
    apiUnauthorized: 0,
    expiredTokenCalls: 0,
    revokedTokenCalls: 0,
    connections: 0,
    transactionsCreated: 0,
    idempotentReplays: 0,
  };
}

/** The two wallets `GET /api/wallet` answers with until `setWallets()`. */
export function sampleWallets(): unknown[] {
  return [
    {
      Id: '5a4e1c9e-0b6f-4c43-9d7e-1f0a4c2b7e01',
      Type: 'Operational',
      Balance: 10250.75,
      Currency: 'CAD',
    },
    {
      Id: '8c2d7f3a-6e19-4b0c-a5d2-3e9b1f6c4d02',
      Type: 'Operational',
      Balance: 0,
      Currency: 'CAD',
    },
  ];
}

/** The users `POST /api/user/filter` pages through until `setUsers()`. */
export function sampleUsers(): unknown[] {
  return [
    { Id: 'b3f1a2c4-1d2e-4f5a-8b6c-7d8e9f0a1b01', FirstName: 'Ada', LastName: 'Lovelace' },
    { Id: 'c4a2b3d5-2e3f-4a6b-9c7d-8e9f0a1b2c02', FirstName: 'Alan', LastName: 'Turing' },
    { Id: 'd5b3c4e6-3f4a-4b7c-8d8e-9f0a1b2c3d03', FirstName: 'Grace', LastName: 'Hopper' },
  ].map((user) => ({ ...user, Email: `${user.FirstName.toLowerCase()}@example.com` }));
}
