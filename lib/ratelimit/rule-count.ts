import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { failureReason, logRecord } from '../logging/module-logger.js';
import type { RecordLogger } from '../logging/module-logger.js';
import type { TokenStore } from '../store/token-store.interface.js';
import { withDeadline } from '../util/waiting.js';

/** What a slot source answers: taken, or how long until the next slot (ms). */
export interface SlotAnswer {
  readonly taken: boolean;
  readonly waitMs: number;
  /** Slots left after this answer, as the source counts them. */
  readonly remaining: number;
  /** The store's id of the slot taken, to release it; undefined for the local log. */
  readonly id?: string;
}

/** What a count needs of a rule: its store key, limit and span. */
export interface CountedRule {
  readonly key: string;
  readonly limit: number;
  readonly spanMs: number;
}

/** The fleet's count of one rule (the module's `store`); undefined answers mean "use the local log". */
export interface SharedCount {
  take(rule: CountedRule, holdMs: number): Promise<SlotAnswer | undefined>;
  release(rule: CountedRule, id: string, lateMs: number): void;
  pause(rule: CountedRule, ms: number): void;
}

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

/** After a failed store call, the local log decides alone this long before the store is tried again. */
const STORE_RETRY_MS = 1_000;
/** The longest wait a store answer is believed: a day (the longest window; a pause is shorter). */
const MAX_WAIT_ANSWER_MS = 86_400_000;

/**
 * The fleet's count of every rule, in the module's `store` (`takeRateSlot`, then
 * `releaseRateSlot` once the call's answer is back, off the call's path; `pauseRateLimit`):
 * one bounded round trip before each call. A store that fails, stalls past `storeTimeoutMs` or answers
 * nonsense never fails a caller: the rule falls back to this process's log, one warning says
 * so, and the store is tried again a second later (one line when it answers again).
 */
export class StoreCount implements SharedCount {
  private healthy = true;
  private skipUntil = 0;
  private sequence = 0;
  private readonly holder = randomBytes(6).toString('hex');

  constructor(
    private readonly store: Required<Pick<TokenStore, 'takeRateSlot'>> & TokenStore,
    private readonly timeoutMs: number,
    private readonly logger: RecordLogger,
  ) {}

  async take(budget: CountedRule, holdMs: number): Promise<SlotAnswer | undefined> {
    if (performance.now() < this.skipUntil) return undefined;
    const id = `${this.holder}:${++this.sequence}`;
    try {
      const answer = await this.bounded(() =>
        this.store.takeRateSlot(budget.key, budget.limit, budget.spanMs, id, Math.ceil(holdMs)),
      );
      const checked = checkAnswer(answer, budget);
      this.answered();
      return checked.taken ? { ...checked, id } : checked;
    } catch (error) {
      this.failed('takeRateSlot', error);
      // A stalled store may still run the take later: release it right behind (same
      // connection, same order), so it holds a window, not the whole hold.
      this.release(budget, id, 0);
      return undefined;
    }
  }

  release(budget: CountedRule, id: string, lateMs: number): void {
    const release = this.store.releaseRateSlot;
    if (!release) return; // the slot is held until its holdMs ends: safe, only slower
    this.bounded(() => release.call(this.store, budget.key, id, Math.ceil(lateMs))).then(
      () => this.answered(),
      (error: unknown) => this.failed('releaseRateSlot', error),
    );
  }

  pause(budget: CountedRule, ms: number): void {
    const pause = this.store.pauseRateLimit;
    if (!pause) return;
    this.bounded(() => pause.call(this.store, budget.key, Math.ceil(ms))).then(
      () => this.answered(),
      (error: unknown) => this.failed('pauseRateLimit', error),
    );
  }

  private bounded<T>(call: () => Promise<T>): Promise<T> {
    const attempt = Promise.resolve().then(call);
    return withDeadline(
      attempt,
      this.timeoutMs,
      () => new Error(`no answer within ${this.timeoutMs} ms`),
    );
  }

  private answered(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.logger.log(
      logRecord(
        'rate-store-recovered',
        'Token store answers again; rate limits are counted fleet-wide again',
      ),
    );
  }

  private failed(operation: string, error: unknown): void {
    this.skipUntil = performance.now() + STORE_RETRY_MS;
    if (!this.healthy) return;
    this.healthy = false;
    const reason = failureReason(error);
    this.logger.warn(
      logRecord(
        'rate-store-unavailable',
        `Token store unavailable for rate limits (${operation}: ${reason}); each replica counts its own calls until it answers again`,
        { operation, reason },
      ),
    );
  }
}

/** A store's answer, checked and bounded (a broken store cannot put a pump to sleep for days). */
function checkAnswer(answer: unknown, budget: CountedRule): SlotAnswer {
  const { taken, waitMs, remaining } = (answer ?? {}) as Partial<SlotAnswer>;
  if (typeof taken !== 'boolean' || typeof waitMs !== 'number' || !(waitMs >= 0)) {
    throw new Error('unexpected answer to takeRateSlot');
  }
  const left =
    typeof remaining === 'number' && remaining >= 0 ? Math.min(remaining, budget.limit) : 0;
  return { taken, waitMs: Math.min(waitMs, MAX_WAIT_ANSWER_MS), remaining: Math.floor(left) };
}
