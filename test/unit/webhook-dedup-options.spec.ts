import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { ZumRailsConfigError, ZumRailsInMemoryTokenStore } from '../../lib/index.js';
import { DEDUPLICATE } from '../../lib/options/option-table.js';
import { resolveDeduplicateOptions } from '../../lib/options/resolve-options.js';

const DEFAULT_DEDUPLICATE_TTL_MS = DEDUPLICATE.ttlMs.default;
import { readBody } from '../../lib/webhooks/webhook-request.js';

function fieldOf(value: unknown): string {
  try {
    resolveDeduplicateOptions(value, 'deduplicate', 'acct');
  } catch (error) {
    if (error instanceof ZumRailsConfigError) return error.field;
    throw error;
  }
  throw new Error('expected a ZumRailsConfigError');
}

describe('resolveDeduplicateOptions', () => {
  const store = new ZumRailsInMemoryTokenStore();

  it('is undefined without the option, and fills the defaults', () => {
    expect(resolveDeduplicateOptions(undefined, 'deduplicate', 'acct')).toBeUndefined();
    expect(resolveDeduplicateOptions({ store }, 'deduplicate', 'acct')).toEqual({
      store,
      ttlMs: DEFAULT_DEDUPLICATE_TTL_MS,
      claimTtlMs: 30_000,
      storeTimeoutMs: 1_000,
      namespace: 'acct',
    });
    expect(DEFAULT_DEDUPLICATE_TTL_MS).toBe(72 * 3_600_000);
    // A short claim caps the default store timeout at a third of it (one renewal per third).
    expect(resolveDeduplicateOptions({ store, claimTtlMs: 600 }, 'deduplicate', 'a')).toMatchObject(
      { claimTtlMs: 600, storeTimeoutMs: 200 },
    );
  });

  it.each([
    ['not an object', 'x', 'deduplicate'],
    ['null', null, 'deduplicate'],
    ['no store', {}, 'deduplicate.store'],
    [
      'a store without compareAndSet',
      { store: { get() {}, acquireLease() {} } },
      'deduplicate.store',
    ],
    ['a claim TTL under 100 ms', { store, claimTtlMs: 99 }, 'deduplicate.claimTtlMs'],
    ['a fractional claim TTL', { store, claimTtlMs: 1000.5 }, 'deduplicate.claimTtlMs'],
    [
      'a ttl shorter than the claim',
      { store, ttlMs: 1_000, claimTtlMs: 2_000 },
      'deduplicate.ttlMs',
    ],
    ['a ttl over 30 days', { store, ttlMs: 31 * 86_400_000 }, 'deduplicate.ttlMs'],
    [
      'a store timeout over a third of the claim',
      { store, claimTtlMs: 900, storeTimeoutMs: 301 },
      'deduplicate.storeTimeoutMs',
    ],
    ['a namespace with a space', { store, namespace: 'a b' }, 'deduplicate.namespace'],
    ['an empty namespace', { store, namespace: '' }, 'deduplicate.namespace'],
  ])('rejects %s, naming the field', (_, value, field) => {
    expect(fieldOf(value)).toBe(field);
  });
});

describe('readBody (a JSON body no parser read)', () => {
  it('resolves the bytes', async () => {
    const stream = new PassThrough();
    const read = readBody(stream, 10, 1_000);
    stream.end('{"a":1}');
    expect((await read).toString()).toBe('{"a":1}');
  });

  it('stops at the limit, on a stream error, and at its deadline', async () => {
    const big = new PassThrough();
    const tooLarge = readBody(big, 4, 1_000);
    big.write('12345');
    expect(await tooLarge).toBe('too-large');
    big.destroy();

    const broken = new PassThrough();
    const failed = readBody(broken, 10, 1_000);
    broken.destroy(new Error('reset'));
    expect(await failed).toBe('failed');

    const gone = new PassThrough();
    gone.destroy();
    expect(await readBody(gone, 10, 1_000)).toBe('failed');

    const slow = new PassThrough();
    const late = readBody(slow, 10, 20);
    slow.write('{');
    expect(await late).toBe('timeout');
    slow.destroy();
  });
});
