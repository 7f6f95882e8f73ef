import type { LoggerService } from '@nestjs/common';
import type {
  AxiosError,
  AxiosInstance,
  CancelToken,
  GenericAbortSignal,
  InternalAxiosRequestConfig,
} from 'axios';
import { logRecord } from '../logging/module-logger.js';
import { LOG_CONTEXT, ModuleLogger, type RecordLogger } from '../logging/module-logger.js';
import { DEFAULT_OPTIONS } from '../options/option-spec.js';
import { resolveApiRetry } from '../options/resolve-options.js';
import type { ZumRailsApiRetryOptions } from '../options/zumrails-auth-options.interface.js';
import { holdProcess } from '../util/waiting.js';
import { verdictOf } from '../protocol/zumrails-protocol.js';
import { requestPath } from './zumrails-http.error.js';

/** Config keys (strings: axios' merge drops symbols) of the retry bookkeeping. */
const RETRIES = 'zumRailsRetries';
const DEADLINE = 'zumRailsDeadlineAt';

export type RetryConfig = InternalAxiosRequestConfig & { [RETRIES]?: number; [DEADLINE]?: number };

const SAFE_METHODS = new Set(['get', 'head', 'options']);
/**
 * Reset, refused or timed out before any response (`ECONNABORTED` is axios' timeout). A refused
 * connection sent nothing: a restarting gateway, a pod rolling over.
 */
const RETRIED_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);
/** A retry that would have less time than this before the deadline is not worth sending. */
const MIN_ATTEMPT_MS = 50;
const MAX_RETRY_AFTER_JITTER_MS = 250;

interface Wait {
  readonly ms: number;
  /** For the log line: `HTTP 503`, `ECONNRESET`, `HTTP 429 (Retry-After 1)`. */
  readonly reason: string;
  /** For the metric: `status_503`, `econnreset` (few values, nothing secret). */
  readonly kind: string;
  /** Whether the server asked for this wait (`Retry-After`), rather than our backoff. */
  readonly asked?: boolean;
}

/** Where each retry is counted (`ZumRailsMetrics`; a no-op without OpenTelemetry). */
export interface RetryCounter {
  recordApiRetry(attributes: Record<string, string>): void;
}

/**
 * Decides, waits for and prepares the retries of API calls that are safe to repeat (see
 * `ZumRailsApiRetryOptions`). Every attempt of one call shares the deadline stamped on its
 * first attempt: `budgetMs` (the module's `requestTimeoutMs`) or the request's `timeout` when
 * longer. Each retry's `timeout` is cut to the time left.
 */
class ApiRetrier {
  constructor(
    private readonly policy: Required<ZumRailsApiRetryOptions>,
    readonly budgetMs: number,
    private readonly logger: Pick<RecordLogger, 'warn'>,
    private readonly counter?: RetryCounter,
    private readonly random: () => number = Math.random,
  ) {}

  /** Stamps the overall deadline on a first attempt (request interceptor; O(1)). */
  stamp(config: RetryConfig): void {
    if (config[DEADLINE] === undefined && this.policy.maxRetries > 0) {
      // The same overall deadline as the request's signal (see request-deadline.ts).
      const ms = config.zumRailsTimeoutMs ?? Math.max(this.budgetMs, config.timeout ?? 0);
      config[DEADLINE] = Date.now() + ms;
    }
  }

  /**
   * The config of the next attempt after `error`, once the wait before it is over (the same
   * headers, so the same `idempotency-key`); undefined when `error` is not to be retried, or,
   * when the server said when to retry and the deadline leaves no room for it, why (a line for
   * the error message).
   */
  async next(error: AxiosError, config: RetryConfig): Promise<RetryConfig | string | undefined> {
    const retries = config[RETRIES] ?? 0;
    const deadline = config[DEADLINE];
    if (deadline === undefined || retries >= this.policy.maxRetries) return undefined;
    // An aborted request (the caller's signal, or an overall deadline on it) is never retried.
    if (!isRepeatable(config) || config.signal?.aborted === true) return undefined;
    const wait = this.waitFor(error, retries);
    if (wait === undefined) return undefined;
    const left = deadline - Date.now();
    if (left - wait.ms < MIN_ATTEMPT_MS) {
      // Retrying sooner than asked would only be refused again: fail now, saying how long.
      if (!wait.asked) return undefined;
      const asked = `${wait.reason} asks for a wait of ${Math.round(wait.ms)} ms`;
      return `${asked}, more than the ${Math.max(0, left)} ms left of the call's deadline`;
    }
    this.log(config, wait, retries + 1);
    await waitForRetry(wait.ms, config);
    const remaining = Math.max(1, deadline - Date.now());
    const timeout = config.timeout ? Math.min(config.timeout, remaining) : remaining;
    return { ...config, [RETRIES]: retries + 1, timeout };
  }

  /** One line per retry: method, path (no query), cause, delay; never a header or a body. */
  private log(config: RetryConfig, wait: Wait, retry: number): void {
    const method = (config.method ?? 'get').toUpperCase();
    const path = requestPath(config);
    const delayMs = Math.round(wait.ms);
    const { maxRetries } = this.policy;
    const msg = `Retrying ${method} ${path} in ${delayMs} ms after ${wait.reason} (retry ${retry} of ${maxRetries})`;
    const fields = { method, path, reason: wait.reason, retry, maxRetries, delayMs };
    this.logger.warn(logRecord('api-retry', msg, fields));
    this.counter?.recordApiRetry({ reason: wait.kind });
  }

  /**
   * The wait before retrying `error`, or undefined when it is not to be retried: a reset or
   * timeout before any answer; an answer whose verdict (`verdictOf`, as for a login) is
   * transient (5xx, 408) or rate-limited (429, only with a valid `Retry-After`). A valid
   * `Retry-After` (429 or 503) is honoured when within `maxRetryAfterMs`, else not retried.
   */
  private waitFor(error: AxiosError, retries: number): Wait | undefined {
    const response = error.response;
    if (response === undefined) {
      const code = error.code ?? '';
      return RETRIED_CODES.has(code) ? this.backoff(retries, code, code.toLowerCase()) : undefined;
    }
    const verdict = verdictOf(response);
    if (verdict.kind !== 'transient' && verdict.kind !== 'rate-limited') return undefined;
    // A 500 envelope is Zum Rails failing this very request: repeating it rarely helps.
    if (verdict.status === 500 && verdict.envelope) return undefined;
    const status = response.status;
    const asked = verdict.retryAfterMs;
    if (asked === undefined) {
      return verdict.kind === 'transient'
        ? this.backoff(retries, `HTTP ${status}`, `status_${status}`)
        : undefined;
    }
    if (asked > this.policy.maxRetryAfterMs) return undefined;
    const jitter = this.random() * Math.min(MAX_RETRY_AFTER_JITTER_MS, asked / 10);
    return {
      ms: asked + jitter,
      reason: `HTTP ${status} (Retry-After ${String(response.headers['retry-after']).trim()})`,
      kind: `status_${status}`,
      asked: true,
    };
  }

  /** Exponential backoff drawn between half and all of the step (never 0: no tight loop). */
  private backoff(retries: number, reason: string, kind: string): Wait {
    const { initialDelayMs, maxDelayMs } = this.policy;
    const step = Math.min(maxDelayMs, initialDelayMs * 2 ** retries);
    return { ms: step / 2 + (this.random() * step) / 2, reason, kind };
  }
}

/** What `createApiRetrier` reads from the options of `attachZumRailsAuth`. */
interface ApiRetrierSettings {
  apiRetry?: ZumRailsApiRetryOptions | false;
  requestTimeoutMs?: number;
  logger?: LoggerService | false;
  metrics?: RetryCounter;
}

/**
 * The retrier of one instance: `apiRetry` validated, the deadline from `requestTimeoutMs` (else
 * the instance's timeout), warnings to the module's logger (or the `logger` given).
 * @throws ZumRailsConfigError when `apiRetry` or `logger` is invalid.
 */
export function createApiRetrier(
  instance: AxiosInstance,
  settings: ApiRetrierSettings,
): ApiRetrier {
  const { logger } = settings;
  return new ApiRetrier(
    resolveApiRetry(settings.apiRetry),
    settings.requestTimeoutMs ?? (instance.defaults.timeout || DEFAULT_OPTIONS.requestTimeoutMs),
    logger instanceof ModuleLogger ? logger : ModuleLogger.from(logger, LOG_CONTEXT),
    settings.metrics,
  );
}

/** Safe to send again: an idempotent method, or a request with an `idempotency-key`. */
function isRepeatable(config: RetryConfig): boolean {
  if (config.zumRailsRetry === false || isStream(config.data)) return false;
  return SAFE_METHODS.has(config.method ?? 'get') || config.headers.has('idempotency-key');
}

/** A stream body cannot be replayed. */
export function isStream(data: unknown): boolean {
  return typeof (data as { pipe?: unknown } | null | undefined)?.pipe === 'function';
}

/** What can cut a retry wait short: the request's `signal` and `cancelToken`. */
interface RetryWaitAbort {
  signal?: GenericAbortSignal;
  cancelToken?: CancelToken;
}

/**
 * Resolves after `ms`, or as soon as the request is aborted or cancelled (the next attempt then
 * fails at once with axios' `CanceledError`, as an aborted request does). The timer is cleared
 * either way, so an unsubscribed Observable leaves nothing behind. The caller waiting keeps the
 * process alive meanwhile (see keep-alive.ts), not the timer.
 */
function waitForRetry(ms: number, abort: RetryWaitAbort): Promise<void> {
  const { signal, cancelToken } = abort;
  if (signal?.aborted === true || cancelToken?.reason !== undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const release = holdProcess();
    const done = (): void => {
      clearTimeout(timer);
      release();
      signal?.removeEventListener?.('abort', done);
      cancelToken?.unsubscribe(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal?.addEventListener?.('abort', done, { once: true });
    cancelToken?.subscribe(done);
  });
}
