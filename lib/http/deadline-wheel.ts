/** Something a {@link DeadlineWheel} fires once its time has come, unless it ended first. */
export interface WheelEntry {
  /** When it is due, on the `performance.now()` clock (set by `arm`). */
  at: number;
  /** Set by its owner once the call settled: the wheel then only drops it. */
  ended: boolean;
  fire(): void;
}

/** Entries of one duration in arming order, which is also their expiry order. */
class Queue {
  private entries: WheelEntry[] = [];
  private head = 0;

  push(entry: WheelEntry): void {
    this.entries.push(entry);
  }

  /** The first entry not ended, dropping ended ones ahead of it. */
  first(): WheelEntry | undefined {
    let entry = this.entries[this.head];
    while (entry !== undefined && entry.ended) {
      this.head++;
      entry = this.entries[this.head];
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return entry;
  }
}

/**
 * Deadlines of many calls on one timer (monotonic clock): one queue per duration (entries of
 * the same duration expire in the order they were armed), one unref'd timer set for the
 * earliest entry. Arming costs a push; ending, a flag. A `setTimeout` per call costs a timer
 * object and, when it is the only timer of its duration (one call at a time), Node's creating
 * and destroying a timer list each time. The timer never holds the process: callers waiting are
 * held elsewhere (keep-alive.ts).
 */
export class DeadlineWheel {
  private readonly queues = new Map<number, Queue>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  /** Fires `entry` once `ms` have passed, unless it has ended by then. */
  arm(entry: WheelEntry, ms: number): void {
    entry.at = performance.now() + ms;
    let queue = this.queues.get(ms);
    if (queue === undefined) {
      queue = new Queue();
      this.queues.set(ms, queue);
    }
    queue.first(); // drops the calls that ended meanwhile (one at a time: all of them)
    queue.push(entry);
    if (entry.at < this.timerAt) this.schedule(entry.at);
  }

  private schedule(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.tick(), Math.max(1, at - performance.now()));
    this.timer.unref();
  }

  /** Fires every entry due, then sets the timer for the earliest one left (if any). */
  private tick(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [ms, queue] of this.queues) {
      let entry = queue.first();
      while (entry !== undefined && entry.at <= now) {
        entry.ended = true;
        entry.fire();
        entry = queue.first();
      }
      if (entry === undefined) this.queues.delete(ms);
      else next = Math.min(next, entry.at);
    }
    if (next !== Infinity) this.schedule(next);
  }
}
