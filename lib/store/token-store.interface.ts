/** A value read from a {@link ZumRailsTokenStore}, with the time the store keeps it. */
export interface ZumRailsStoredValue {
  /** The value exactly as written (an opaque, possibly encrypted token record). */
  readonly value: string;
  /**
   * Milliseconds until the store drops the value, measured by the store's own clock (Redis
   * `PTTL`), so replicas never compare their clocks. `undefined` when the key has no expiry.
   */
  readonly ttlMs: number | undefined;
}

/**
 * Where the replicas of an app share one Zum Rails token. Values are opaque strings; every
 * compare operation compares whole values and is atomic (a Lua script in Redis).
 *
 * The library calls it rarely: on a cold start, when a renewal is due and after a 401; never
 * per API request. With webhook `deduplicate`, two to four calls per verified webhook (claim,
 * done or release), bounded by its own `storeTimeoutMs`. Every call is bounded by `storeTimeoutMs`; a failing or slow store makes the
 * replica log in on its own, never fails a caller.
 *
 * Ready-made: `ZumRailsRedisTokenStore` (ioredis) and `ZumRailsInMemoryTokenStore` (modules of one process).
 * Without a `store` option nothing is shared and no store is used at all.
 */
export interface ZumRailsTokenStore {
  /** The value under `key` with its remaining time to live, or `undefined` when absent. */
  get(key: string): Promise<ZumRailsStoredValue | undefined>;
  /**
   * Writes `value` with a time to live of `ttlMs` if the current value is `expected`
   * (`undefined`: only if the key is absent). Resolves whether it wrote.
   */
  compareAndSet(
    key: string,
    expected: string | undefined,
    value: string,
    ttlMs: number,
  ): Promise<boolean>;
  /** Deletes `key` if its value is still `expected`. Resolves whether it deleted. */
  compareAndDelete(key: string, expected: string): Promise<boolean>;
  /**
   * Takes the lease `key` for `holder` for `ttlMs` if nobody holds it (Redis `SET NX PX`).
   * Resolves whether `holder` now holds it.
   */
  acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease back if `holder` still holds it (never someone else's). */
  releaseLease(key: string, holder: string): Promise<boolean>;
  /**
   * Optional (rate limits across the fleet, option `rateLimits`): atomically, unless `key` is
   * paused, takes a slot of the sliding window log `key` for the call `id` if fewer than
   * `limit` slots are held, and says how long until the next one frees otherwise. A slot is
   * held while its call is in flight (at most `holdMs`, then for `windowMs`; the store's own
   * clock) and, once released, for `windowMs` from the release. Called once per rate-limited
   * API call. Without it, each replica counts its own calls (one warning at startup).
   */
  takeRateSlot?(
    key: string,
    limit: number,
    windowMs: number,
    id: string,
    holdMs: number,
  ): Promise<ZumRailsRateSlotAnswer>;
  /**
   * Optional, with `takeRateSlot`: the call `id` settled; its slot is held for `windowMs` from
   * now plus `afterMs` (instead of from the end of its `holdMs`). Never re-adds a slot that
   * already left the log.
   */
  releaseRateSlot?(key: string, id: string, afterMs: number): Promise<void>;
  /**
   * Optional, with `takeRateSlot`: no slot of `key` for the next `ms` (a 429's `Retry-After`),
   * unless it is already paused longer.
   */
  pauseRateLimit?(key: string, ms: number): Promise<void>;
}

/** What {@link ZumRailsTokenStore.takeRateSlot} answers. */
export interface ZumRailsRateSlotAnswer {
  /** Whether the call got a slot. */
  readonly taken: boolean;
  /** When not taken: ms until the next slot frees (or the pause ends), by the store's clock. */
  readonly waitMs: number;
  /** Slots left in the window after this answer. */
  readonly remaining: number;
}

/** @deprecated use `ZumRailsTokenStore`; removed in 2.0 */
export type TokenStore = ZumRailsTokenStore;
/** @deprecated use `ZumRailsStoredValue`; removed in 2.0 */
export type StoredValue = ZumRailsStoredValue;
/** @deprecated use `ZumRailsRateSlotAnswer`; removed in 2.0 */
export type RateSlotAnswer = ZumRailsRateSlotAnswer;
