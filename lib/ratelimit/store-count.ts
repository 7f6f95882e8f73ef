import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { logRecord } from '../logging/log-record.js';
import type { RecordLogger } from '../logging/module-logger.js';
import type { TokenStore } from '../store/token-store.interface.js';
import { withDeadline } from '../util/deferred.js';
import type { RuleBudget, SharedCount, SlotAnswer } from './rule-budget.js';

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

  async take(budget: RuleBudget, holdMs: number): Promise<SlotAnswer | undefined> {
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

  release(budget: RuleBudget, id: string, lateMs: number): void {
    const release = this.store.releaseRateSlot;
    if (!release) return; // the slot is held until its holdMs ends: safe, only slower
    this.bounded(() => release.call(this.store, budget.key, id, Math.ceil(lateMs))).then(
      () => this.answered(),
      (error: unknown) => this.failed('releaseRateSlot', error),
    );
  }

  pause(budget: RuleBudget, ms: number): void {
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
    const reason = (error instanceof Error ? error.message : String(error))
      .split('\n')[0]!
      .slice(0, 160);
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
function checkAnswer(answer: unknown, budget: RuleBudget): SlotAnswer {
  const { taken, waitMs, remaining } = (answer ?? {}) as Partial<SlotAnswer>;
  if (typeof taken !== 'boolean' || typeof waitMs !== 'number' || !(waitMs >= 0)) {
    throw new Error('unexpected answer to takeRateSlot');
  }
  const left =
    typeof remaining === 'number' && remaining >= 0 ? Math.min(remaining, budget.limit) : 0;
  return { taken, waitMs: Math.min(waitMs, MAX_WAIT_ANSWER_MS), remaining: Math.floor(left) };
}
