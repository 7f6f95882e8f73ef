import { performance } from 'node:perf_hooks';
import { CanceledError, type CancelToken, type GenericAbortSignal } from 'axios';
import { ZumRailsRateLimitedError, ZumRailsShutDownError } from '../errors/zumrails.errors.js';
import type { ZumRailsRateLimitRule } from '../options/zumrails-auth-options.interface.js';
import { holdProcess } from '../util/waiting.js';
import { compilePathPattern, matchesPath, type PathPattern } from './path-pattern.js';
import { SlidingLog, type SharedCount, type SlotAnswer } from './rule-count.js';

/** A slot held by a call, released when its answer is back. */
export interface HeldSlot {
  readonly budget: RuleBudget;
  readonly id: string | undefined;
}

/** What a budget reports: the limiter turns these into log lines and metrics. */
export interface BudgetEvents {
  /** A first caller has to wait (once until the line is empty again). */
  queueing(budget: RuleBudget, waitMs: number): void;
  /** A caller got its slot after waiting `ms`. */
  waited(budget: RuleBudget, ms: number): void;
  /** A caller was refused: its slot could not come within its wait bound. */
  rejected(budget: RuleBudget): void;
}

/** What can end a wait: the request's config (`signal`, `cancelToken`). */
export interface WaitAbort {
  signal?: GenericAbortSignal;
  cancelToken?: CancelToken;
}

interface Waiter {
  readonly since: number;
  readonly deadline: number;
  readonly boundMs: number;
  readonly holdMs: number;
  readonly resolve: (id: string | undefined) => void;
  readonly reject: (error: unknown) => void;
  readonly detach: () => void;
}

/**
 * One rule at run time: its matcher, this process's sliding log, and the line of callers
 * waiting for a slot, served first come, first served by one pump that asks the fleet's count
 * (or the local log) for the head's slot and sleeps until the next one.
 */
export class RuleBudget {
  /** `GET /api/transaction/*`, or the path alone when every method counts. */
  readonly label: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly log: SlidingLog;
  /** Slots left as last counted (the store's answer, else the local log). */
  lastRemaining: number;
  private readonly pattern: PathPattern;
  private readonly methods: readonly string[] | undefined;
  private readonly line: Waiter[] = [];
  private pausedUntil = 0;
  private pumping = false;
  private queueing = false;
  private closed = false;
  private sleeper?: { timer: NodeJS.Timeout; wake: () => void };

  constructor(
    rule: Readonly<ZumRailsRateLimitRule>,
    /** How long an admission holds its slot: the window plus the send guard. */
    readonly spanMs: number,
    /** The store key of this rule's count. */
    readonly key: string,
    private readonly events: BudgetEvents,
    private readonly shared?: SharedCount,
  ) {
    this.pattern = compilePathPattern(rule.path) as PathPattern;
    this.methods = rule.methods?.map((method) => method.toLowerCase());
    this.label = rule.methods ? `${rule.methods.join(',')} ${rule.path}` : rule.path;
    this.limit = rule.limit;
    this.windowMs = rule.windowMs;
    this.lastRemaining = rule.limit;
    this.log = new SlidingLog(rule.limit, spanMs);
  }

  /** Whether a request (axios' lower-case method, URL, path start) counts here. No allocation. */
  matches(method: string, url: string, start: number): boolean {
    if (this.methods !== undefined && !this.methods.includes(method)) return false;
    return matchesPath(this.pattern, url, start);
  }

  /**
   * Takes a slot for a call that may be in flight up to `holdMs`: undefined when taken at once
   * (no store, nobody waiting, room in the log), else a promise of the store's slot id (or
   * undefined) once the caller has its slot; it rejects with a `ZumRailsRateLimitedError` (the
   * slot cannot come within `boundMs`) or axios' `CanceledError` (aborted while waiting).
   */
  acquire(
    boundMs: number,
    holdMs: number,
    abort: WaitAbort,
    cancelled: () => Error,
  ): Promise<string | undefined> | undefined {
    const now = performance.now();
    if (this.closed) return Promise.reject(new ZumRailsShutDownError());
    if (this.shared === undefined) {
      if (this.takeNow(now)) return undefined;
      const waitMs = this.localSlotAt(now, this.line.length) - now;
      if (waitMs > boundMs) return Promise.reject(this.refuse(waitMs, boundMs));
    }
    if (isAborted(abort)) return Promise.reject(cancelled());
    return new Promise<string | undefined>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.line.indexOf(waiter);
        if (index === -1) return;
        this.line.splice(index, 1);
        waiter.detach();
        reject(cancelled());
        if (this.line.length === 0) this.wake();
      };
      // A caller waiting for a slot keeps the process alive (every timer here is unref'd).
      const release = holdProcess();
      const waiter: Waiter = {
        since: now,
        deadline: now + boundMs,
        boundMs,
        holdMs,
        resolve,
        reject,
        detach: () => {
          release();
          abort.signal?.removeEventListener?.('abort', onAbort);
          abort.cancelToken?.unsubscribe(onAbort);
        },
      };
      abort.signal?.addEventListener?.('abort', onAbort, { once: true });
      abort.cancelToken?.subscribe(onAbort);
      this.line.push(waiter);
      void this.pump();
    });
  }

  /** Takes a slot at once when this process alone counts, nobody waits and one is free. */
  takeNow(now: number): boolean {
    return (
      this.shared === undefined &&
      this.line.length === 0 &&
      !this.closed &&
      this.takeLocal(now).taken
    );
  }

  /**
   * The call holding a slot settled: its slot frees one window from now (plus `lateMs` when no
   * answer came back and the call may still be on its way), here and in the store.
   */
  release(id: string | undefined, lateMs: number): void {
    this.log.release(performance.now(), lateMs);
    if (id !== undefined) this.shared?.release(this, id, lateMs);
    if (this.line.length > 0) this.wake();
  }

  /** No slot for `ms` (a 429's `Retry-After`), here and, through the store, fleet-wide. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + ms);
    this.shared?.pause(this, ms);
  }

  /** Until when (performance clock) the rule is paused; 0 when not. */
  get pausedUntilMs(): number {
    return this.pausedUntil > performance.now() ? this.pausedUntil : 0;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.line.length;
  }

  /** Slots left now, as this process last counted them. */
  remaining(): number {
    if (this.shared === undefined) this.lastRemaining = this.log.remaining(performance.now());
    return this.lastRemaining;
  }

  /** Refuses every waiter (module shutdown) and stops the pump's timer. */
  close(): void {
    this.closed = true;
    for (const waiter of this.line.splice(0)) {
      waiter.detach();
      waiter.reject(new ZumRailsShutDownError());
    }
    this.wake();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.line.length > 0 && !this.closed) {
        const answer = await this.take(this.line[0]!.holdMs);
        const now = performance.now();
        if (answer.taken) {
          const waiter = this.line.shift();
          if (waiter) this.admit(waiter, now, answer.id);
          else this.release(answer.id, 0); // its caller left meanwhile: give the slot back
          continue;
        }
        if (!this.queueing && this.line.length > 0) {
          this.queueing = true;
          this.events.queueing(this, answer.waitMs);
        }
        this.refuseUnreachable(now, answer.waitMs);
        // A release here wakes the line at once; the fleet's releases are polled.
        const pollMs = this.shared ? Math.max(100, this.spanMs / 20) : Infinity;
        if (this.line.length > 0) await this.sleep(Math.max(1, Math.min(answer.waitMs, pollMs)));
      }
    } finally {
      this.pumping = false;
      this.queueing = false;
    }
  }

  private async take(holdMs: number): Promise<SlotAnswer> {
    const now = performance.now();
    if (now < this.pausedUntil) {
      return { taken: false, waitMs: this.pausedUntil - now, remaining: 0 };
    }
    const answer = this.shared && (await this.shared.take(this, holdMs));
    if (!answer) return this.takeLocal(performance.now());
    this.lastRemaining = answer.remaining;
    if (answer.taken) this.log.take();
    return answer;
  }

  private takeLocal(now: number): SlotAnswer {
    if (now < this.pausedUntil) {
      return { taken: false, waitMs: this.pausedUntil - now, remaining: 0 };
    }
    const at = this.log.slotAt(now);
    if (at > now) return { taken: false, waitMs: at - now, remaining: 0 };
    this.log.take();
    this.lastRemaining = this.log.remaining(now);
    return { taken: true, waitMs: 0, remaining: this.lastRemaining };
  }

  /** Earliest slot of the caller at `position` in line by the local log (a lower bound). */
  private localSlotAt(now: number, position: number): number {
    return Math.max(this.pausedUntil, this.log.slotAt(now, position));
  }

  /** Refuses, at once, every waiter whose slot cannot come before its deadline. */
  private refuseUnreachable(now: number, headWaitMs: number): void {
    let position = 0;
    for (const waiter of [...this.line]) {
      let slot = now + headWaitMs;
      if (this.shared === undefined) slot = Math.max(slot, this.localSlotAt(now, position));
      if (slot <= waiter.deadline) {
        position++;
        continue;
      }
      this.line.splice(this.line.indexOf(waiter), 1);
      waiter.detach();
      waiter.reject(this.refuse(slot - now, waiter.boundMs));
    }
  }

  private admit(waiter: Waiter, now: number, id: string | undefined): void {
    waiter.detach();
    this.events.waited(this, now - waiter.since);
    waiter.resolve(id);
  }

  private refuse(waitMs: number, boundMs: number): ZumRailsRateLimitedError {
    this.events.rejected(this);
    return new ZumRailsRateLimitedError(Math.ceil(waitMs), 'api-budget', {
      rule: this.label,
      maxWaitMs: Math.floor(boundMs),
    });
  }

  /** Sleeps `ms`, or until woken; the waiters' `holdProcess()` keeps the process alive meanwhile. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleeper = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.sleeper = { timer, wake };
    });
  }

  private wake(): void {
    this.sleeper?.wake();
  }
}

function isAborted(abort: WaitAbort): boolean {
  return abort.signal?.aborted === true || abort.cancelToken?.reason !== undefined;
}

/** axios' own error for a request aborted before it was sent. */
export function canceledBefore(config: unknown): () => Error {
  return () => new CanceledError(undefined, config as never);
}
