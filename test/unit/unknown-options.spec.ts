import { describe, expect, it } from '@jest/globals';
import { AUTH_OPTIONS } from '../../lib/options/option-table.js';
import {
  closestMatch,
  describeUnknownOptions,
  editDistance,
  findUnknownOptions,
} from '../../lib/options/option-docs.js';

const base = { environment: 'sandbox', username: 'u', password: 'p' };

describe('findUnknownOptions', () => {
  it('finds nothing in valid options', () => {
    expect(findUnknownOptions({ ...base, retry: { maxDelayMs: 5 }, startup: 'lazy' })).toEqual([]);
  });

  it('names a misspelled top-level key with the option it most likely meant', () => {
    expect(findUnknownOptions({ ...base, refreshLeadTime: 1 })).toEqual([
      { key: 'refreshLeadTime', suggestion: 'refreshLeadTimeMs' },
    ]);
    expect(findUnknownOptions({ ...base, userName: 'x', requestTimeout: 1 })).toEqual([
      { key: 'userName', suggestion: 'username' },
      { key: 'requestTimeout', suggestion: 'requestTimeoutMs' },
    ]);
  });

  it('checks the keys of loginRetry, with a dotted path', () => {
    expect(findUnknownOptions({ ...base, loginRetry: { maxDelay: 1, initialDelayMs: 1 } })).toEqual(
      [{ key: 'loginRetry.maxDelay', suggestion: 'loginRetry.maxDelayMs' }],
    );
  });

  it('suggests the nearest key of the same level, not a longer one that starts the same', () => {
    expect(findUnknownOptions({ ...base, apiRetry: { maxRetry: 2 } })).toEqual([
      { key: 'apiRetry.maxRetry', suggestion: 'apiRetry.maxRetries' },
    ]);
    expect(findUnknownOptions({ ...base, apiRetry: { maxRetryAfter: 1 } })).toEqual([
      { key: 'apiRetry.maxRetryAfter', suggestion: 'apiRetry.maxRetryAfterMs' },
    ]);
    // Top-level names are never offered for a nested key, nor nested ones for a top-level key.
    expect(findUnknownOptions({ ...base, retry: { maxRetryAfterMs: 1 } })).toEqual([
      { key: 'retry.maxRetryAfterMs' },
    ]);
    expect(findUnknownOptions({ ...base, maxRetries: 2 })).toEqual([{ key: 'maxRetries' }]);
  });

  it('gives no suggestion when nothing is close', () => {
    expect(findUnknownOptions({ ...base, colour: 'blue' })).toEqual([{ key: 'colour' }]);
  });

  it('never reads values: a secret under an unknown key stays out of the warning', () => {
    const unknown = findUnknownOptions({ ...base, passwd: 'hunter2-secret' });
    const line = describeUnknownOptions(unknown);
    expect(line).toBe('unknown option passwd: did you mean password? (ignored)');
    expect(line).not.toContain('hunter2');
  });

  it('ignores what is not a plain object (the config error reports it)', () => {
    expect(findUnknownOptions(undefined)).toEqual([]);
    expect(findUnknownOptions({ ...base, retry: 5 })).toEqual([]);
  });

  it('knows every option the interface declares (the table compiles only when complete)', () => {
    const { storeTimeoutMs: _, ...incomplete } = AUTH_OPTIONS;
    // @ts-expect-error a table missing an option does not compile
    const table: typeof AUTH_OPTIONS = incomplete;
    expect(Object.keys(table)).not.toContain('storeTimeoutMs');
    expect(Object.keys(AUTH_OPTIONS)).toContain('storeTimeoutMs');
  });
});

describe('describeUnknownOptions', () => {
  it('puts every unknown key on one line', () => {
    expect(
      describeUnknownOptions([
        { key: 'refreshLeadTime', suggestion: 'refreshLeadTimeMs' },
        { key: 'colour' },
      ]),
    ).toBe('unknown options refreshLeadTime: did you mean refreshLeadTimeMs?; colour (ignored)');
  });
});

describe('closestMatch', () => {
  it('accepts close typos and prefixes, rejects unrelated words', () => {
    expect(closestMatch('retyr', ['retry', 'store'])).toBe('retry');
    expect(closestMatch('STARTUP', ['startup'])).toBe('startup');
    expect(closestMatch('fallbackTokenTtl', ['fallbackTokenTtlMs'])).toBe('fallbackTokenTtlMs');
    expect(closestMatch('xyz', ['username', 'password'])).toBeUndefined();
    // Only a prefix relates them: offered when nothing nearer is.
    expect(closestMatch('webhook', ['webhookSecret', 'retry'])).toBe('webhookSecret');
  });

  it('computes Levenshtein distances', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
