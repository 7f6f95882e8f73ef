import { describe, expect, it } from '@jest/globals';
import { ZumRailsInMemoryTokenStore } from '../../../lib/store/in-memory-token.store.js';
import { useManualDate } from '../../support/manual-date.js';

describe('ZumRailsInMemoryTokenStore', () => {
  const manualDate = useManualDate();

  function storeAt(start = 1_000_000) {
    const date = manualDate(start);
    return { store: new ZumRailsInMemoryTokenStore(), advance: (ms: number) => date.advance(ms) };
  }

  it('returns the value with its remaining time to live', async () => {
    const { store, advance } = storeAt();
    expect(await store.compareAndSet('k', undefined, 'v1', 1_000)).toBe(true);
    advance(400);
    expect(await store.get('k')).toEqual({ value: 'v1', ttlMs: 600 });
  });

  it('forgets a value when its time to live is over', async () => {
    const { store, advance } = storeAt();
    await store.compareAndSet('k', undefined, 'v1', 1_000);
    advance(1_000);
    expect(await store.get('k')).toBeUndefined();
    expect(await store.compareAndSet('k', undefined, 'v2', 1_000)).toBe(true);
  });

  it('compare-and-set writes only over the expected value', async () => {
    const { store } = storeAt();
    await store.compareAndSet('k', undefined, 'v1', 1_000);
    expect(await store.compareAndSet('k', undefined, 'v2', 1_000)).toBe(false);
    expect(await store.compareAndSet('k', 'other', 'v2', 1_000)).toBe(false);
    expect(await store.compareAndSet('k', 'v1', 'v2', 1_000)).toBe(true);
    expect((await store.get('k'))?.value).toBe('v2');
  });

  it('compare-and-delete deletes only the expected value', async () => {
    const { store } = storeAt();
    await store.compareAndSet('k', undefined, 'v1', 1_000);
    expect(await store.compareAndDelete('k', 'v0')).toBe(false);
    expect(await store.compareAndDelete('k', 'v1')).toBe(true);
    expect(await store.get('k')).toBeUndefined();
  });

  it('gives a lease to one holder until it is released or lapses', async () => {
    const { store, advance } = storeAt();
    expect(await store.acquireLease('lease', 'a', 500)).toBe(true);
    expect(await store.acquireLease('lease', 'b', 500)).toBe(false);
    expect(await store.releaseLease('lease', 'b')).toBe(false);
    expect(await store.releaseLease('lease', 'a')).toBe(true);
    expect(await store.acquireLease('lease', 'b', 500)).toBe(true);
    advance(500);
    expect(await store.acquireLease('lease', 'c', 500)).toBe(true);
  });
});
