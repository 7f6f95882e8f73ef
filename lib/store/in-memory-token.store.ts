import { SafeToLog } from '../logging/module-logger.js';
import type {
  ZumRailsRateSlotAnswer,
  ZumRailsStoredValue,
  ZumRailsTokenStore,
} from './token-store.interface.js';

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

/**
 * A `ZumRailsTokenStore` in this process's memory: give one instance to several modules of the same
 * process (tests do this) to make them share a token; it cannot span processes (use
 * `ZumRailsRedisTokenStore` for a fleet).
 */
@SafeToLog()
export class ZumRailsInMemoryTokenStore implements ZumRailsTokenStore {
  private readonly entries = new Map<string, Entry>();
  /** Rate limit logs: call id → when its slot starts its last window. */
  private readonly logs = new Map<string, Map<string, number>>();

  async get(key: string): Promise<ZumRailsStoredValue | undefined> {
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

  async takeRateSlot(
    key: string,
    limit: number,
    windowMs: number,
    id: string,
    holdMs: number,
  ): Promise<ZumRailsRateSlotAnswer> {
    const now = Date.now();
    const paused = this.live(`${key}:pause`);
    if (paused) return { taken: false, waitMs: paused.expiresAt - now, remaining: 0 };
    const log = this.logs.get(key) ?? new Map<string, number>();
    this.logs.set(key, log);
    for (const [entry, start] of log) if (start <= now - windowMs) log.delete(entry);
    if (log.size >= limit) {
      const oldest = Math.min(...log.values(), now);
      return { taken: false, waitMs: oldest + windowMs - now, remaining: 0 };
    }
    log.set(id, now + holdMs);
    return { taken: true, waitMs: 0, remaining: limit - log.size };
  }

  async releaseRateSlot(key: string, id: string, afterMs: number): Promise<void> {
    const log = this.logs.get(key);
    if (log?.has(id)) log.set(id, Date.now() + afterMs);
  }

  async pauseRateLimit(key: string, ms: number): Promise<void> {
    const pause = `${key}:pause`;
    const current = this.live(pause);
    if (!current || current.expiresAt < Date.now() + ms) this.put(pause, '1', ms);
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

/** @deprecated use `ZumRailsInMemoryTokenStore` (the same class); removed in 2.0 */
export const InMemoryTokenStore = ZumRailsInMemoryTokenStore;
/** @deprecated use `ZumRailsInMemoryTokenStore`; removed in 2.0 */
export type InMemoryTokenStore = ZumRailsInMemoryTokenStore;
