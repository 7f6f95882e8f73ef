/**
 * The sliding window log of one rule in this process. A slot is taken when a call is admitted
 * and held while it is in flight; once its answer is back, for one more span (the window plus
 * a rounding guard) from that moment: Zum Rails received the call before it answered, so no
 * window of `span` anywhere in time can hold more than `limit` arrivals, however late a call
 * left after its admission. O(1) per call: a counter and a ring of `limit` release times.
 */
export class SlidingLog {
  private readonly freeAt: Float64Array;
  private head = 0;
  private size = 0;
  private inFlight = 0;

  constructor(
    readonly limit: number,
    /** How long a settled call still holds its slot, in ms: the window plus a guard. */
    readonly spanMs: number,
  ) {
    this.freeAt = new Float64Array(limit);
  }

  /** Slots free at `now`. */
  remaining(now: number): number {
    this.expire(now);
    return Math.max(0, this.limit - this.inFlight - this.size);
  }

  /**
   * Earliest time the slot of the `position`-th caller in line (0: the next one) can free: the
   * release time of a settled call when enough of them are held, else a lower bound (a call in
   * flight frees its slot one span after it settles, at the earliest now).
   */
  slotAt(now: number, position = 0): number {
    this.expire(now);
    const index = this.inFlight + this.size + position - this.limit;
    if (index < 0) return now;
    if (index < this.size) return this.freeAt[(this.head + index) % this.limit]!;
    const laps = Math.floor((index - this.size) / this.limit);
    return now + (laps + 1) * this.spanMs;
  }

  /** Records an admission: the slot is held until {@link SlidingLog.release}. */
  take(): void {
    this.inFlight++;
  }

  /**
   * The call admitted by one `take()` settled at `now`: its slot frees one span after, plus
   * `lateMs` when it may still be on its way (no answer came back).
   */
  release(now: number, lateMs = 0): void {
    if (this.inFlight === 0) return;
    this.inFlight--;
    this.expire(now);
    if (this.size === this.limit) {
      // Only when the store admitted more than this log would have: keep the latest.
      this.head = (this.head + 1) % this.limit;
      this.size--;
    }
    this.freeAt[(this.head + this.size) % this.limit] = now + lateMs + this.spanMs;
    this.size++;
  }

  private expire(now: number): void {
    while (this.size > 0 && this.freeAt[this.head]! <= now) {
      this.head = (this.head + 1) % this.limit;
      this.size--;
    }
  }
}
