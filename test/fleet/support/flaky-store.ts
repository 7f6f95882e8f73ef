import {
  ZumRailsInMemoryTokenStore,
  type ZumRailsStoredValue,
  type ZumRailsTokenStore,
} from '../../../lib/index.js';

type Operation = 'get' | 'compareAndSet' | 'compareAndDelete' | 'acquireLease' | 'releaseLease';

/**
 * A store around an in-memory one (or `inner`, shared with other replicas) that can be switched
 * to hang or to fail, like a Redis that went away, in whole (`mode`) or for some operations
 * (`failing`); `onGet` rewrites what a read returns. Records every call in `log`.
 */
export class FlakyStore implements ZumRailsTokenStore {
  mode: 'ok' | 'hang' | 'fail' = 'ok';
  /** Operations that fail whatever `mode` says. */
  readonly failing = new Set<Operation>();
  /** Rewrites a read: return `undefined` to hide the record, or another TTL. */
  onGet?: (
    stored: ZumRailsStoredValue | undefined,
    call: number,
  ) => ZumRailsStoredValue | undefined;
  /** Every call, in order. */
  readonly log: Operation[] = [];

  constructor(readonly inner: ZumRailsTokenStore = new ZumRailsInMemoryTokenStore()) {}

  get calls(): number {
    return this.log.length;
  }

  /** How many calls of `operation` were made. */
  count(operation: Operation): number {
    return this.log.filter((entry) => entry === operation).length;
  }

  get(key: string): Promise<ZumRailsStoredValue | undefined> {
    const call = this.count('get');
    return this.call('get', async () => {
      const stored = await this.inner.get(key);
      return this.onGet ? this.onGet(stored, call) : stored;
    });
  }
  compareAndSet(key: string, expected: string | undefined, value: string, ttlMs: number) {
    return this.call('compareAndSet', () => this.inner.compareAndSet(key, expected, value, ttlMs));
  }
  compareAndDelete(key: string, expected: string) {
    return this.call('compareAndDelete', () => this.inner.compareAndDelete(key, expected));
  }
  acquireLease(key: string, holder: string, ttlMs: number) {
    return this.call('acquireLease', () => this.inner.acquireLease(key, holder, ttlMs));
  }
  releaseLease(key: string, holder: string) {
    return this.call('releaseLease', () => this.inner.releaseLease(key, holder));
  }

  private call<T>(operation: Operation, run: () => Promise<T>): Promise<T> {
    this.log.push(operation);
    if (this.mode === 'hang') return new Promise<T>(() => undefined);
    if (this.mode === 'fail' || this.failing.has(operation)) {
      return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1'));
    }
    return run();
  }
}
