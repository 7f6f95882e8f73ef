import type { StoredValue, TokenStore } from './token-store.interface.js';
import { SafeToLog } from '../util/safe-to-log.js';

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

/**
 * A `TokenStore` in this process's memory: give one instance to several modules of the same
 * process (tests do this) to make them share a token; it cannot span processes (use
 * `RedisTokenStore` for a fleet).
 */
@SafeToLog()
export class InMemoryTokenStore implements TokenStore {
  private readonly entries = new Map<string, Entry>();

  async get(key: string): Promise<StoredValue | undefined> {
    const entry = this.live(key);
    return entry && { value: entry.value, ttlMs: entry.expiresAt - Date.now() };
  }

  async compareAndSet(
    key: string,
    expected: string | undefined,
    value: string,
    ttlMs: number,
  ): Promise<boolean> {
    if (this.live(key)?.value !== expected) return false;
    this.put(key, value, ttlMs);
    return true;
  }

  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    if (this.live(key)?.value !== expected) return false;
    return this.entries.delete(key);
  }

  async acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.put(key, holder, ttlMs);
    return true;
  }

  async releaseLease(key: string, holder: string): Promise<boolean> {
    return this.compareAndDelete(key, holder);
  }

  private put(key: string, value: string, ttlMs: number): void {
    this.entries.set(key, { value, expiresAt: Date.now() + Math.max(1, Math.ceil(ttlMs)) });
  }

  /** The entry under `key` unless it expired (expired entries are dropped on the way). */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && Date.now() >= entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
