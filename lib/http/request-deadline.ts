import {
  AxiosError,
  isCancel,
  type AxiosInstance,
  type AxiosResponse,
  type GenericAbortSignal,
  type InternalAxiosRequestConfig,
} from 'axios';
import { finished, type Readable } from 'node:stream';
import { isDeadlineAbort, startDeadline, type Deadline } from '../util/abort.js';
import { isStreamResponse } from './stream-body.js';

// `zumRailsTimeoutMs` is declared with the public request options in attach-zumrails-auth.ts.
declare module 'axios' {
  interface AxiosRequestConfig {
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
      // Settled: the timer goes now rather than holding memory until it would have fired;
      // a streamed body is still to come, under the same deadline.
      if (isStreamResponse(response)) bodyUnderDeadline(response);
      else endDeadline(response.config.zumRailsDeadline);
      return response;
    },
    (error: unknown) => {
      // Not ended here: a retry of this call (same config) still runs under it. The auth
      // interceptor ends it once the call has failed for good (`endRequestDeadline`).
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

/** Ends the deadline of a call that has failed for good (no retry of it will follow). */
export function endRequestDeadline(config: InternalAxiosRequestConfig | undefined): void {
  endDeadline(config?.zumRailsDeadline);
}

/**
 * The deadline runs until the stream body ends. axios listens to the signal until then: past
 * the deadline it errors the body with a cancellation, which the auth interceptor's body guard
 * reports as the deadline (see `asDeadlineTimeout`).
 */
function bodyUnderDeadline(response: AxiosResponse): void {
  const signal = response.config.zumRailsDeadline;
  finished(response.data as Readable, () => endDeadline(signal));
}

function endDeadline(signal: AbortSignal | undefined): void {
  const deadline = signal && deadlines.get(signal);
  if (!deadline) return;
  deadline.end();
  deadlines.delete(signal);
}

/** A cancellation caused by the deadline becomes axios' timeout error; anything else is kept. */
export function asDeadlineTimeout(error: unknown): unknown {
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
