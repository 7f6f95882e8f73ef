import {
  AxiosError,
  isCancel,
  type AxiosInstance,
  type GenericAbortSignal,
  type InternalAxiosRequestConfig,
} from 'axios';
import { isDeadlineAbort, startDeadline, type Deadline } from '../util/abort.js';

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Overall deadline of this request through `ZumRailsHttpService`, in ms: connect, headers
     * and the whole body (axios' `timeout` only fires on an idle socket). It covers every retry
     * of the call (after a 401, `apiRetry`). Default: the module's `requestTimeoutMs`, or the
     * request's `timeout` when longer.
     */
    zumRailsTimeoutMs?: number;
    /**
     * The deadline signal of this logical request, set on its first pass and kept by every
     * retry of it (a retry reuses the config), so retries share one deadline. Read-only for apps.
     */
    zumRailsDeadline?: AbortSignal;
  }
}

/**
 * Gives every request of `instance` an overall deadline: a deadline signal (`startRequestDeadline`) composed
 * with the request's own `signal`. Registered before the auth interceptors, so the deadline
 * starts once the bearer is attached (the token wait has its own bound) and a deadline abort
 * reaches them as a timeout (`ECONNABORTED`), not as a cancellation.
 */
export function attachRequestDeadline(instance: AxiosInstance, defaultMs: number): void {
  instance.interceptors.response.use(
    (response) => {
      // Settled: the timer goes now rather than holding memory until it would have fired.
      endDeadline(response.config.zumRailsDeadline);
      return response;
    },
    (error: unknown) => {
      // Not ended on errors: a retry of this call (same config) still runs under it.
      throw asDeadlineTimeout(error);
    },
  );
  instance.interceptors.request.use((config) => {
    if (config.zumRailsDeadline) return config;
    // Like the retries' deadline: the module's budget, or the request's `timeout` when longer.
    const ms = config.zumRailsTimeoutMs ?? Math.max(defaultMs, config.timeout ?? 0);
    const deadline = startRequestDeadline(ms);
    config.zumRailsDeadline = deadline;
    const own = config.signal as AbortSignal | undefined;
    config.signal = (own ? AbortSignal.any([own, deadline]) : deadline) as GenericAbortSignal;
    return config;
  });
}

/** Deadlines by signal, so a settled call clears its own timer. */
const deadlines = new WeakMap<AbortSignal, Deadline>();

/**
 * A signal that aborts with a `TimeoutError` after `ms`: `startDeadline`'s controller and
 * cleared timer instead of `AbortSignal.timeout`, whose timer outlives every request (and
 * costs ~18 µs).
 */
function startRequestDeadline(ms: number): AbortSignal {
  const deadline = startDeadline(ms);
  deadlines.set(deadline.signal, deadline);
  return deadline.signal;
}

function endDeadline(signal: AbortSignal | undefined): void {
  const deadline = signal && deadlines.get(signal);
  if (!deadline) return;
  deadline.end();
  deadlines.delete(signal);
}

/** A cancellation caused by the deadline becomes axios' timeout error; anything else is kept. */
function asDeadlineTimeout(error: unknown): unknown {
  const config = (error as { config?: InternalAxiosRequestConfig } | null)?.config;
  const deadline = config?.zumRailsDeadline;
  if (!isCancel(error) || !deadline || !isDeadlineAbort(deadline)) return error;
  const ms = config.zumRailsTimeoutMs ?? config.timeout;
  // ECONNABORTED like axios' own timeout: the retrier sees no time left and does not retry.
  return new AxiosError(
    `overall deadline of ${ms} ms exceeded`,
    AxiosError.ECONNABORTED,
    config,
    (error as { request?: unknown }).request,
  );
}
