import { describe, expect, it } from '@jest/globals';
import { ZumRailsConfigError } from '../../lib/errors/zumrails.errors.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import type { ZumRailsAuthOptions } from '../../lib/options/zumrails-auth-options.interface.js';

const SECRET = 'pa55-w0rd-do-not-echo';
const valid: ZumRailsAuthOptions = {
  environment: 'sandbox',
  username: 'api-user',
  password: SECRET,
};

function failure(options: unknown): ZumRailsConfigError {
  try {
    resolveOptions(options as ZumRailsAuthOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ZumRailsConfigError);
    return error as ZumRailsConfigError;
  }
  throw new Error('expected a ZumRailsConfigError');
}

describe('resolveOptions', () => {
  it('applies every default', () => {
    expect(resolveOptions(valid)).toEqual({
      account: 'default',
      baseUrl: 'https://api-sandbox.zumrails.com',
      username: 'api-user',
      password: SECRET,
      refreshLeadTimeMs: 300_000,
      fallbackTokenTtlMs: 3_300_000,
      requestTimeoutMs: 10_000,
      tokenWaitTimeoutMs: 15_000,
      retry: { initialDelayMs: 1_000, maxDelayMs: 60_000 },
      credentialsRejectedCooldownMs: 60_000,
      maxLoginsPerMinute: 10,
      maxRetryAfterMs: 300_000,
      renewalJitterMs: 30_000,
      revokeOnShutdown: true,
      revokeTimeoutMs: 2_000,
      startup: 'background',
      transport: {},
      apiRetry: { maxRetries: 2, initialDelayMs: 200, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 },
      rateLimits: {
        rules: [{ path: '/api/*', limit: 300, windowMs: 300_000 }],
        maxWaitMs: 300_000,
      },
    });
  });

  it('maps production to the vendor URL', () => {
    expect(resolveOptions({ ...valid, environment: 'production' }).baseUrl).toBe(
      'https://api-app.zumrails.com',
    );
  });

  it('accepts https base URLs and loopback http, trimming the trailing slash', () => {
    expect(
      resolveOptions({ ...valid, environment: undefined, baseUrl: 'https://zr.example.com/' })
        .baseUrl,
    ).toBe('https://zr.example.com');
    expect(
      resolveOptions({ ...valid, environment: undefined, baseUrl: 'http://127.0.0.1:8080' })
        .baseUrl,
    ).toBe('http://127.0.0.1:8080');
    expect(
      resolveOptions({ ...valid, environment: undefined, baseUrl: 'http://localhost:1/zr/' })
        .baseUrl,
    ).toBe('http://localhost:1/zr');
  });

  it.each([
    ['username', { ...valid, username: undefined }, /username.*missing/],
    ['username', { ...valid, username: '  ' }, /username/],
    ['password', { ...valid, password: '' }, /password.*missing/],
    ['password', { ...valid, password: undefined }, /password/],
    ['baseUrl', { ...valid, baseUrl: 'https://x.test' }, /either baseUrl or environment/],
    ['baseUrl', { ...valid, environment: undefined }, /environment.*or baseUrl/],
    ['environment', { ...valid, environment: 'staging' }, /sandbox' or 'production/],
    [
      'baseUrl',
      { ...valid, environment: undefined, baseUrl: 'not a url' },
      /not a valid absolute URL/,
    ],
    ['baseUrl', { ...valid, environment: undefined, baseUrl: 'ftp://x.test' }, /https/],
    [
      'baseUrl',
      { ...valid, environment: undefined, baseUrl: 'http://api.zumrails.example' },
      /loopback/,
    ],
    // Loopback names as a prefix of another host: plain http would leave the machine.
    ...['localhost.evil.example', '127.0.0.1.evil.example', 'localhost-evil.example'].map(
      (host) =>
        [
          'baseUrl',
          { ...valid, environment: undefined, baseUrl: `http://${host}` },
          /loopback/,
        ] as const,
    ),
    ['refreshLeadTimeMs', { ...valid, refreshLeadTimeMs: -1 }, /between/],
    ['fallbackTokenTtlMs', { ...valid, fallbackTokenTtlMs: 1e12 }, /between/],
    ['requestTimeoutMs', { ...valid, requestTimeoutMs: Number.NaN }, /finite number/],
    ['requestTimeoutMs', { ...valid, requestTimeoutMs: '1000' }, /string/],
    [
      'loginRetry.maxDelayMs',
      { ...valid, loginRetry: { initialDelayMs: 5_000, maxDelayMs: 1_000 } },
      /at least/,
    ],
    ['startup', { ...valid, startup: 'eager' }, /'background', 'blocking' or 'lazy'/],
    ['revokeOnShutdown', { ...valid, revokeOnShutdown: 'yes' }, /true or false/],
    ['username', { ...valid, username: 12345 }, /must be a string, got a number/],
    ['password', { ...valid, password: 12345 }, /must be a string/],
    [
      'credentialsRejectedCooldownMs',
      { ...valid, credentialsRejectedCooldownMs: 0 },
      /between 1000/,
    ],
    [
      'tokenWaitTimeoutMs',
      { ...valid, requestTimeoutMs: 5_000, tokenWaitTimeoutMs: 1_000 },
      /at least requestTimeoutMs \(5000 ms\)/,
    ],
    ['maxLoginsPerMinute', { ...valid, maxLoginsPerMinute: 0 }, /integer from 1 to 600/],
    ['maxLoginsPerMinute', { ...valid, maxLoginsPerMinute: 2.5 }, /integer/],
    ['maxRetryAfterMs', { ...valid, maxRetryAfterMs: 10 }, /between 1000/],
  ])('rejects a bad %s with a message naming it', (field, options, pattern) => {
    const error = failure(options);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
    expect(error.message).toMatch(pattern);
  });

  it('rejects missing options altogether', () => {
    expect(failure(undefined).field).toBe('options');
  });

  it('never echoes the password, even when the rest is wrong', () => {
    for (const options of [
      { ...valid, baseUrl: SECRET },
      { ...valid, environment: undefined, baseUrl: `https://u:${SECRET}@x.test` },
      { ...valid, refreshLeadTimeMs: -1 },
    ]) {
      const error = failure(options);
      expect(`${error.message} ${JSON.stringify(error)} ${error.stack}`).not.toContain(SECRET);
    }
  });
});
