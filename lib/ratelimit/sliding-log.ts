/**
 * The sliding window log of one rule in this process: when each of the last `limit` admitted
 * calls frees its slot (admission time + span), in a ring. A slot is free when fewer than
 * `limit` entries are still running, so no window of `span` ever holds more than `limit`
 * admissions, wherever it starts. O(1) per call, `limit` numbers of memory.
 */
export class SlidingLog {
  private readonly freeAt: Float64Array;
  private head = 0;
  private size = 0;

  constructor(
    readonly limit: number,
    /** How long an admission holds its slot, in ms: the window plus the send guard. */
    readonly spanMs: number,
  ) {
    this.freeAt = new Float64Array(limit);
  }

  /** Slots free at `now`. */
  remaining(now: number): number {
    this.expire(now);
    return this.limit - this.size;
  }

  /**
   * Earliest time the slot of the `position`-th caller in line (0: the next one) can free,
   * counting only admissions already made: exact for position 0, a lower bound further on.
   */
  slotAt(now: number, position = 0): number {
    this.expire(now);
    // Each lap of `limit` callers ahead takes at least one span.
    const laps = Math.floor(position / this.limit);
    const index = this.size + (position % this.limit) - this.limit;
    const first = index < 0 ? now : this.freeAt[(this.head + index) % this.limit]!;
    return first + laps * this.spanMs;
  }

  /** Records an admission at `now`; the caller made sure a slot was free. */
  take(now: number): void {
    this.expire(now);
    if (this.size === this.limit) {
      // Only after a fallback overlap (a store answer raced this log): drop the oldest.
      this.head = (this.head + 1) % this.limit;
      this.size--;
    }
    this.freeAt[(this.head + this.size) % this.limit] = now + this.spanMs;
    this.size++;
  }

  private expire(now: number): void {
    while (this.size > 0 && this.freeAt[this.head]! <= now) {
      this.head = (this.head + 1) % this.limit;
      this.size--;
    }
  }
}
