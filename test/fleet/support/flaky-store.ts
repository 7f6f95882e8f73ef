import { InMemoryTokenStore, type StoredValue, type TokenStore } from '../../../lib/index.js';

/** An in-memory store that can be switched to hang or to fail, like a Redis that went away. */
export class FlakyStore implements TokenStore {
  mode: 'ok' | 'hang' | 'fail' = 'ok';
  calls = 0;
  readonly inner = new InMemoryTokenStore();

  get(key: string): Promise<StoredValue | undefined> {
    return this.call(() => this.inner.get(key));
  }
  compareAndSet(key: string, expected: string | undefined, value: string, ttlMs: number) {
    return this.call(() => this.inner.compareAndSet(key, expected, value, ttlMs));
  }
  compareAndDelete(key: string, expected: string) {
    return this.call(() => this.inner.compareAndDelete(key, expected));
  }
  acquireLease(key: string, holder: string, ttlMs: number) {
    return this.call(() => this.inner.acquireLease(key, holder, ttlMs));
  }
  releaseLease(key: string, holder: string) {
    return this.call(() => this.inner.releaseLease(key, holder));
  }

  private call<T>(operation: () => Promise<T>): Promise<T> {
    this.calls += 1;
    if (this.mode === 'hang') return new Promise<T>(() => undefined);
    if (this.mode === 'fail') return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1'));
    return operation();
  }
}
