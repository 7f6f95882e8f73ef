import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { logRecord } from '../logging/module-logger.js';
import type { RecordLogger } from '../logging/module-logger.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import type { RetryConfig } from '../http/api-retry.js';
import { parseRetryAfter } from '../protocol/zumrails-protocol.js';
import { SafeToLog } from '../logging/module-logger.js';
import { pathStart } from './path-pattern.js';
import { canceledBefore, RuleBudget, type BudgetEvents, type HeldSlot } from './rule-budget.js';
import { StoreCount } from './rule-count.js';

/** Zum Rails blocks an IP for 5 minutes after a quota breach: the wait without a valid Retry-After. */
const VENDOR_BLOCK_MS = 5 * 60_000;

/** A slot that would leave the call less than this before its deadline is not worth waiting for. */
const MIN_SEND_MS = 50;

/**
 * Added to every window: the clocks round to the millisecond, and a window's two ends must not
 * both count.
 */
const WINDOW_GUARD_MS = 10;

/**
 * A call with no answer (timeout, reset) may still be on its way to Zum Rails: its slot starts
 * its window this much later. Also how much longer than its deadline a call that never settles
 * holds its slot (a replica that died mid-call).
 */
const IN_TRANSIT_MS = 1_000;

/** Config key (a string: axios' merge drops symbols) of the slots an attempt holds. */
const SLOTS = 'zumRailsRateSlots';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** @internal The rate limit slots this attempt holds, released when it settles. */
    [SLOTS]?: HeldSlot[];
  }
}

/** Where the rate limit measurements go (`ZumRailsMetrics`; no-ops without OpenTelemetry). */
export interface RateLimitMeter {
  recordRateLimitWait(rule: string, seconds: number): void;
  recordRateLimitRejection(rule: string): void;
  observeRateLimitRemaining(read: () => readonly { rule: string; remaining: number }[]): void;
}

/** One rule as status and health show it. */
export interface ZumRailsRateLimitStatus {
  /** `GET /api/transaction/*`, or the path alone when every method counts. */
  rule: string;
  limit: number;
  windowMs: number;
  /** Slots left in the window, as this replica last counted (the store's count when shared). */
  remaining: number;
  /** Calls of this replica waiting for a slot. */
  waiting: number;
  /** Until when a 429 paused the rule (epoch ms); null when not paused. */
  pausedUntil: number | null;
}

const limiters = new WeakMap<object, ApiRateLimiter>();

/** The module's limiter of the `TokenService` `tokens`, for `attachZumRailsAuth` and health. */
export function rateLimiterOf(tokens: object): ApiRateLimiter | undefined {
  return limiters.get(tokens);
}

/**
 * The `rateLimits` of one module: every API call through its axios instances asks `admit()`
 * first. A call that matches no rule pays one matcher pass per rule (no await, no
 * allocation); a matching call takes a slot of each rule it matches, waiting in line when
 * there is none, within `maxWaitMs` and its deadline.
 */
// Holds the resolved options (the password) and a cycle through its budgets: show the rules only.
@SafeToLog<ApiRateLimiter>((limiter) => ({ rules: limiter.budgets.map((budget) => budget.label) }))
export class ApiRateLimiter implements BudgetEvents {
  readonly budgets: readonly RuleBudget[];
  private readonly basePath: string;
  private readonly maxWaitMs: number;

  constructor(
    private readonly options: ResolvedZumRailsAuthOptions,
    private readonly logger: RecordLogger,
    private readonly meter?: RateLimitMeter,
  ) {
    this.basePath = new URL(options.baseUrl).pathname.replace(/\/+$/, '');
    this.maxWaitMs = options.rateLimits.maxWaitMs;
    const count = this.storeCount();
    const namespace = createHash('sha256').update(options.baseUrl).digest('hex').slice(0, 32);
    this.budgets = options.rateLimits.rules.map((rule) => {
      const scope = `${(rule.methods ?? ['*']).join(',')} ${rule.path.toLowerCase()}`;
      const id = createHash('sha256').update(scope).digest('hex').slice(0, 16);
      const key = `zumrails-ratelimit:{${namespace}}:${id}`;
      return new RuleBudget(rule, rule.windowMs + WINDOW_GUARD_MS, key, this, count);
    });
    meter?.observeRateLimitRemaining(() =>
      this.budgets.map((budget) => ({ rule: budget.label, remaining: budget.remaining() })),
    );
  }

  /** Registers this limiter as the one of `tokens` (see {@link rateLimiterOf}). */
  register(tokens: object): this {
    limiters.set(tokens, this);
    return this;
  }

  /**
   * Takes the slots of the request `config`: undefined when it matches no rule or got its slots
   * at once, else a promise that resolves once it may be sent.
   * @throws (rejects) ZumRailsRateLimitedError `source: 'api-budget'` when a slot cannot come
   *   within the call's wait bound; axios' `CanceledError` when aborted while waiting.
   */
  admit(config: RetryConfig): Promise<void> | undefined {
    const url = config.url ?? '';
    const method = config.method ?? 'get';
    const start = pathStart(url, this.basePath);
    const budgets = this.budgets;
    for (let index = 0; index < budgets.length; index++) {
      if (budgets[index]!.matches(method, url, start)) {
        return this.admitFrom(index, config, method, url, start);
      }
    }
    return undefined;
  }

  /**
   * The attempt `config` settled: the slots it holds start their window now, or a little later
   * when no answer came back (`answered: false`: it may still be on its way). Idempotent.
   */
  release(config: RetryConfig, answered: boolean): void {
    const slots = config[SLOTS];
    if (slots === undefined) return;
    config[SLOTS] = undefined;
    const lateMs = answered ? 0 : IN_TRANSIT_MS;
    for (const { budget, id } of slots) budget.release(id, lateMs);
  }

  /**
   * A 429 reached a call: every rule it matches is paused for the `Retry-After` (an absent or
   * invalid one counts as the vendor's 5-minute block), capped at `maxRetryAfterMs`, fleet-wide.
   */
  tooManyRequests(config: RetryConfig, retryAfter: unknown): void {
    const ms = Math.min(
      parseRetryAfter(retryAfter, Date.now()) ?? VENDOR_BLOCK_MS,
      this.options.maxRetryAfterMs,
    );
    if (!(ms > 0)) return;
    const url = config.url ?? '';
    const method = config.method ?? 'get';
    const start = pathStart(url, this.basePath);
    for (const budget of this.budgets) {
      if (!budget.matches(method, url, start)) continue;
      const wasPaused = budget.pausedUntilMs !== 0;
      budget.pause(ms);
      if (wasPaused) continue; // one line per pause, not one per 429 of a burst
      this.logger.warn(
        logRecord(
          'rate-limit-paused',
          `Zum Rails answered 429: rate limit ${budget.label} paused for ${Math.ceil(ms / 1000)} s`,
          { rule: budget.label, pauseMs: Math.ceil(ms) },
        ),
      );
    }
  }

  /** Each rule's budget now (for status and health). */
  status(): ZumRailsRateLimitStatus[] {
    const now = Date.now();
    const perfNow = performance.now();
    return this.budgets.map((budget) => {
      const paused = budget.pausedUntilMs;
      return {
        rule: budget.label,
        limit: budget.limit,
        windowMs: budget.windowMs,
        remaining: paused ? 0 : budget.remaining(),
        waiting: budget.waiting,
        pausedUntil: paused ? Math.round(now + paused - perfNow) : null,
      };
    });
  }

  /** Refuses waiting callers with `ZumRailsShutDownError` (application shutdown). */
  close(): void {
    for (const budget of this.budgets) budget.close();
  }

  /** @internal Nest's shutdown hook. */
  onApplicationShutdown(): void {
    this.close();
  }

  queueing(budget: RuleBudget, waitMs: number): void {
    this.logger.warn(
      logRecord(
        'rate-limit-queueing',
        `Rate limit ${budget.label} (${budget.limit} per ${budget.windowMs} ms) reached: calls wait for a slot (next in ${Math.ceil(waitMs)} ms)`,
        {
          rule: budget.label,
          limit: budget.limit,
          windowMs: budget.windowMs,
          waitMs: Math.ceil(waitMs),
        },
      ),
    );
  }

  waited(budget: RuleBudget, ms: number): void {
    this.meter?.recordRateLimitWait(budget.label, ms / 1000);
  }

  rejected(budget: RuleBudget): void {
    this.meter?.recordRateLimitRejection(budget.label);
  }

  private admitFrom(
    first: number,
    config: RetryConfig,
    method: string,
    url: string,
    start: number,
  ): Promise<void> | undefined {
    const budgets = this.budgets;
    for (let index = first; index < budgets.length; index++) {
      const budget = budgets[index]!;
      if (!budget.matches(method, url, start)) continue;
      if (budget.takeNow(performance.now())) {
        hold(config, budget, undefined);
        continue;
      }
      const holdMs = this.callBudgetMs(config) + IN_TRANSIT_MS;
      const bound = this.waitBound(config);
      const waiting = budget.acquire(bound, holdMs, config, canceledBefore(config));
      if (waiting) {
        return waiting.then(
          (id) => {
            hold(config, budget, id);
            return this.admitFrom(index + 1, config, method, url, start);
          },
          (error: unknown) => {
            this.release(config, true); // slots of earlier rules go back
            throw error;
          },
        );
      }
      hold(config, budget, undefined);
    }
    return undefined;
  }

  /** The call's whole deadline: its `zumRailsTimeoutMs`, else the module's, or its `timeout` when longer. */
  private callBudgetMs(config: RetryConfig): number {
    return config.zumRailsTimeoutMs ?? Math.max(this.options.requestTimeoutMs, config.timeout ?? 0);
  }

  /** How long this call may wait: `maxWaitMs`, and its deadline less the time to send it. */
  private waitBound(config: RetryConfig): number {
    const now = Date.now();
    const deadlineAt =
      config.zumRailsDeadlineAt ??
      now +
        (config.zumRailsTimeoutMs ?? Math.max(this.options.requestTimeoutMs, config.timeout ?? 0));
    return Math.max(0, Math.min(this.maxWaitMs, deadlineAt - now - MIN_SEND_MS));
  }

  /** The fleet's count when the store can keep one; else per process (one warning). */
  private storeCount(): StoreCount | undefined {
    const sharing = this.options.sharing;
    if (!sharing || this.options.rateLimits.rules.length === 0) return undefined;
    const { store } = sharing;
    if (typeof store.takeRateSlot !== 'function') {
      this.logger.warn(
        logRecord(
          'rate-store-unsupported',
          'The token store has no takeRateSlot(): rate limits are counted per replica, not fleet-wide (RedisTokenStore and InMemoryTokenStore have it)',
        ),
      );
      return undefined;
    }
    return new StoreCount(
      store as ConstructorParameters<typeof StoreCount>[0],
      sharing.timeoutMs,
      this.logger,
    );
  }
}

function hold(config: RetryConfig, budget: RuleBudget, id: string | undefined): void {
  (config[SLOTS] ??= []).push({ budget, id });
}
