import { describe, expect, it } from '@jest/globals';
import { ZumRailsConfigError } from '../../lib/index.js';
import { resolveApiRetry } from '../../lib/options/resolve-options.js';

describe('resolveApiRetry', () => {
  it('defaults to 2 retries, 200 ms initial backoff, 2 s max, Retry-After up to 5 s', () => {
    expect(resolveApiRetry(undefined)).toEqual({
      maxRetries: 2,
      initialDelayMs: 200,
      maxDelayMs: 2_000,
      maxRetryAfterMs: 5_000,
    });
  });

  it('turns retries off with false and keeps given fields', () => {
    expect(resolveApiRetry(false).maxRetries).toBe(0);
    expect(resolveApiRetry({ maxRetries: 1, maxRetryAfterMs: 0 })).toMatchObject({
      maxRetries: 1,
      maxRetryAfterMs: 0,
      initialDelayMs: 200,
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['apiRetry', 'yes', /must be an object \{ maxRetries\?.* \} or false/],
    ['apiRetry.maxRetries', { maxRetries: 6 }, /0 to 5/],
    ['apiRetry.maxRetries', { maxRetries: 1.5 }, /integer/],
    ['apiRetry.initialDelayMs', { initialDelayMs: -1 }, /milliseconds/],
    ['apiRetry.maxRetryAfterMs', { maxRetryAfterMs: '1000' }, /got a string/],
    ['apiRetry.maxDelayMs', { initialDelayMs: 500, maxDelayMs: 100 }, /at least/],
  ])('rejects an invalid %s (%j)', (field, value, pattern) => {
    let error: unknown;
    try {
      resolveApiRetry(value as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ZumRailsConfigError);
    expect((error as ZumRailsConfigError).field).toBe(field);
    expect((error as Error).message).toMatch(pattern);
  });
});
