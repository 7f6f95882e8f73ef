import { describe, expect, it } from '@jest/globals';
import { ZumRailsConfigError } from '../../lib/errors/zumrails.errors.js';
import type { OptionSpec, OptionTable } from '../../lib/options/option-spec.js';
import { AUTH_OPTIONS, WEBHOOK_MODULE_OPTIONS } from '../../lib/options/option-table.js';
import {
  checkOptions,
  resolveOptions,
  resolveWebhookModuleOptions,
} from '../../lib/options/resolve-options.js';
import type { ZumRailsAuthOptions } from '../../lib/options/zumrails-auth-options.interface.js';
import { InMemoryTokenStore } from '../../lib/store/in-memory-token.store.js';

const PASSWORD = 'pa55-w0rd-never-echoed';
const valid = { environment: 'sandbox', username: 'api-user', password: PASSWORD } as const;
const store = new InMemoryTokenStore();

/** Every option path of a table, nested options included (what the bad values must cover). */
function pathsOf(table: OptionTable<object>, prefix = ''): string[] {
  return (Object.entries(table) as [string, OptionSpec][]).flatMap(([key, spec]) => [
    `${prefix}${key}`,
    ...(spec.fields ? pathsOf(spec.fields, `${prefix}${key}.`) : []),
  ]);
}

/** Values of a wrong type (or shape) for each option path: every path of the table is here. */
const BAD_VALUES: Record<string, readonly unknown[]> = {
  environment: ['staging', 1],
  baseUrl: [42, 'ftp://x.test'],
  username: [12345, ''],
  password: [12345, {}],
  startup: ['eager', true],
  refreshLeadTimeMs: ['300000', -1],
  fallbackTokenTtlMs: [null, 1e12],
  requestTimeoutMs: [Number.NaN, {}],
  tokenWaitTimeoutMs: [true, 0],
  loginRetry: [false, 5_000, 'fast', []],
  'loginRetry.initialDelayMs': ['1000', 0],
  'loginRetry.maxDelayMs': [false, 2 * 3_600_000],
  retry: [false, 5_000, null],
  credentialsRejectedCooldownMs: ['60s', 10],
  maxLoginsPerMinute: [2.5, '10'],
  maxRetryAfterMs: [[], 10],
  renewalJitterMs: ['0', -5],
  store: [{ eval: () => undefined }, 'redis://localhost'],
  storeEncryptionKey: ['not-32-bytes', 7],
  storeTimeoutMs: ['250', 0],
  revokeOnShutdown: ['yes', 0],
  revokeTimeoutMs: [{}, 120_000],
  logger: [true, console.log, {}],
  meterProvider: [{}, 'otel'],
  transport: ['http://proxy:3128', 3],
  'transport.httpAgent': [{ keepAlive: true }, true],
  'transport.httpsAgent': ['agent', 1],
  'transport.proxy': [true, 'http://proxy:3128'],
  apiRetry: [true, 'yes', 2],
  'apiRetry.maxRetries': [6, '2'],
  'apiRetry.initialDelayMs': [-1, '200'],
  'apiRetry.maxDelayMs': [[], 120_000],
  'apiRetry.maxRetryAfterMs': ['1000', -1],
  rateLimits: ['yes', [], true],
  'rateLimits.rules': ['x', {}],
  'rateLimits.maxWaitMs': ['5', -1],
  webhookSecret: [42, []],
  deduplicate: ['x', true],
  'deduplicate.store': [{}, 'redis'],
  'deduplicate.claimTtlMs': [99, '30000'],
  'deduplicate.ttlMs': [31 * 86_400_000, '1h'],
  'deduplicate.storeTimeoutMs': [5, '1000'],
  'deduplicate.namespace': ['a b', 7],
};

/** The valid options with `value` at `path` (a nested path inside its group). */
function withValue(path: string, value: unknown): Record<string, unknown> {
  const [group, key] = path.split('.');
  if (key === undefined) return { ...valid, [path]: value };
  const base = group === 'deduplicate' ? { store } : {};
  return { ...valid, [group!]: { ...base, [key]: value } };
}

function failure(options: unknown): ZumRailsConfigError {
  try {
    resolveOptions(options as ZumRailsAuthOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ZumRailsConfigError);
    return error as ZumRailsConfigError;
  }
  throw new Error(`expected a ZumRailsConfigError for ${JSON.stringify(options)}`);
}

describe('every option refuses a bad value, naming its path', () => {
  it('has bad values for every option path of the table', () => {
    expect(Object.keys(BAD_VALUES).sort()).toEqual(pathsOf(AUTH_OPTIONS).sort());
    expect(pathsOf(WEBHOOK_MODULE_OPTIONS)).toEqual(
      expect.arrayContaining(['secret', 'deduplicate.store']),
    );
  });

  it.each(
    Object.entries(BAD_VALUES).flatMap(([path, values]) =>
      values.map((value) => [path, typeof value === 'function' ? 'a function' : value] as const),
    ),
  )('%s: %p', (path, shown) => {
    const value = shown === 'a function' ? console.log : shown;
    const error = failure(withValue(path, value));
    expect(error.field).toBe(path);
    expect(error.message).toContain(`"${path}"`);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(PASSWORD);
  });
});

describe('loginRetry and its deprecated alias retry', () => {
  it('resolves loginRetry, and retry the same way with one warning', () => {
    const login = checkOptions({ ...valid, loginRetry: { maxDelayMs: 9_000 } });
    expect(login.options.retry).toEqual({ initialDelayMs: 1_000, maxDelayMs: 9_000 });
    expect(login.warnings).toEqual([]);

    const old = checkOptions({ ...valid, retry: { maxDelayMs: 9_000 } });
    expect(old.options.retry).toEqual(login.options.retry);
    expect(old.warnings.map((warning) => warning.event)).toEqual(['option-deprecated']);
    expect(old.warnings[0]!.msg).toMatch(/retry is deprecated: rename it loginRetry/);
  });

  it('warns per resolution (module instance), not once per process', () => {
    for (let module = 0; module < 2; module++) {
      expect(checkOptions({ ...valid, retry: {} }).warnings).toHaveLength(1);
    }
  });

  it('refuses both names at once, and retry: false or a number', () => {
    const both = failure({ ...valid, retry: {}, loginRetry: {} });
    expect(both.field).toBe('retry');
    expect(both.message).toMatch(/old name of loginRetry: keep loginRetry only/);
    for (const value of [false, 5_000]) {
      const error = failure({ ...valid, retry: value });
      expect(error.field).toBe('retry');
      expect(error.message).toMatch(/must be an object \{ initialDelayMs\?, maxDelayMs\? \}/);
    }
    expect(failure({ ...valid, retry: { initialDelayMs: 5_000, maxDelayMs: 10 } }).field).toBe(
      'retry.maxDelayMs',
    );
  });
});

describe("ZumRailsWebhookModule's options, from their own table", () => {
  const SECRET = 'whsec-0123456789abcdef';

  function fieldOf(options: unknown): string {
    try {
      resolveWebhookModuleOptions(options);
    } catch (error) {
      expect(error).toBeInstanceOf(ZumRailsConfigError);
      expect(JSON.stringify(error)).not.toContain(SECRET);
      return (error as ZumRailsConfigError).field;
    }
    throw new Error('expected a ZumRailsConfigError');
  }

  it('gives the secrets, and a warning naming a key no option has', () => {
    expect(resolveWebhookModuleOptions({ secret: SECRET })).toEqual({
      secrets: [SECRET],
      warning: undefined,
    });
    const { warning } = resolveWebhookModuleOptions({ secret: [SECRET], deduplcate: {} });
    expect(warning?.msg).toBe(
      'unknown option ZumRailsWebhookModule.deduplcate: did you mean ZumRailsWebhookModule.deduplicate? (ignored)',
    );
  });

  it.each<[unknown, string]>([
    [undefined, 'ZumRailsWebhookModule.secret'],
    [{}, 'ZumRailsWebhookModule.secret'],
    [{ secret: 42 }, 'ZumRailsWebhookModule.secret'],
    [{ secret: [SECRET, ` ${SECRET}`] }, 'ZumRailsWebhookModule.secret[1]'],
    [{ secret: SECRET, deduplicate: 'x' }, 'ZumRailsWebhookModule.deduplicate'],
    [
      { secret: SECRET, deduplicate: { store, ttlMs: 1 } },
      'ZumRailsWebhookModule.deduplicate.ttlMs',
    ],
  ])('refuses %p naming %s', (options, field) => {
    expect(fieldOf(options)).toBe(field);
  });
});
