import axios, {
  AxiosError,
  isCancel,
  type AxiosInstance,
  type AxiosResponse,
  type Canceler,
  type CancelToken,
  type CancelTokenSource,
  type GenericAbortSignal,
  type InternalAxiosRequestConfig,
} from 'axios';
import { finished, type Readable } from 'node:stream';
import { DeadlineWheel, type WheelEntry } from './deadline-wheel.js';
import { isStreamResponse } from './stream-body.js';

// `zumRailsTimeoutMs` is declared with the public request options in attach-zumrails-auth.ts.
declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * The deadline of this logical request, set on its first pass and kept by every retry of
     * it (a retry reuses the config), so retries share one deadline. Read-only for apps.
     */
    zumRailsDeadline?: RequestDeadline;
  }
}

/** The overall deadline of one logical request (a call and its retries). */
export interface RequestDeadline {
  /** Whether the deadline passed while the call was running (and aborted it). */
  readonly expired: boolean;
}

/** Every request deadline of the process, on one timer. */
const wheel = new DeadlineWheel();

/** Marks a cancel token whose source the deadline may cancel too (see `shareCancelSource`). */
const SHARED_CANCEL = Symbol('zumrails-shared-cancel');

type ShareableToken = CancelToken & { [SHARED_CANCEL]?: Canceler };

/**
 * Lets the deadline cancel `source` when it passes, instead of adding an abort of its own:
 * `ZumRailsHttpService` cancels each call it subscribes to with such a source.
 */
export function shareCancelSource(source: CancelTokenSource): void {
  (source.token as ShareableToken)[SHARED_CANCEL] = source.cancel;
}

/**
 * Cancels the call through `cancel` (its token's), or through `abort` when the caller's own
 * cancel token took that slot. Fired at most once, by the wheel; once ended, it lets go of the
 * call's config (an ended entry may wait in the wheel behind a slower call).
 */
class Deadline implements RequestDeadline, WheelEntry {
  expired = false;
  ended = false;
  at = 0;

  constructor(
    private readonly ms: number,
    private config: InternalAxiosRequestConfig | undefined,
    private readonly token: CancelToken | undefined,
    private readonly cancel: Canceler | undefined,
    /** Aborts the call; false when its caller had aborted it already. */
    private readonly abort?: (message: string) => boolean,
  ) {
    wheel.arm(this, ms);
  }

  end(): void {
    this.ended = true;
    this.config = undefined;
  }

  fire(): void {
    const message = `overall deadline of ${this.ms} ms exceeded`;
    if (this.abort) this.expired = this.abort(message);
    else if (this.token?.reason === undefined) {
      // With the config, as axios' own cancellations: the error names its request.
      this.cancel?.(message, this.config);
      this.expired = true;
    }
    this.end();
  }
}

/**
 * Gives every request of `instance` an overall deadline, on one shared timer. The call is
 * aborted through whichever of axios' two abort slots the caller left free, so the common call
 * costs a `CancelToken` (~0.2 µs) and not an `AbortController` (~13 µs on Node 20) nor an
 * `AbortSignal.any`:
 * - no `cancelToken`: one of ours, cancelled at the deadline;
 * - `ZumRailsHttpService`'s own cancel token: that one, cancelled at the deadline as well;
 * - the caller's `cancelToken` and no `signal`: an abort signal of ours;
 * - both the caller's: their `signal` composed with ours (`AbortSignal.any`).
 * Registered before the auth interceptors, so the deadline starts once the bearer is attached
 * (the token wait has its own bound) and a deadline abort reaches them as a timeout
 * (`ECONNABORTED`), not as a cancellation.
 */
export function attachRequestDeadline(instance: AxiosInstance, defaultMs: number): void {
  instance.interceptors.response.use(
    (response) => {
      // Settled: the deadline goes now rather than holding the call until it would have
      // fired; a streamed body is still to come, under the same deadline.
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
    config.zumRailsDeadline = startRequestDeadline(config, ms);
    return config;
  });
}

function startRequestDeadline(config: InternalAxiosRequestConfig, ms: number): Deadline {
  const token = config.cancelToken as ShareableToken | undefined;
  if (token === undefined) {
    const source = axios.CancelToken.source();
    config.cancelToken = source.token;
    return new Deadline(ms, config, source.token, source.cancel);
  }
  const shared = token[SHARED_CANCEL];
  if (shared) return new Deadline(ms, config, token, shared);
  const controller = new AbortController();
  const own = config.signal as AbortSignal | undefined;
  config.signal = (
    own ? AbortSignal.any([own, controller.signal]) : controller.signal
  ) as GenericAbortSignal;
  return new Deadline(ms, undefined, undefined, undefined, (message) => {
    const callerAborted = own?.aborted === true || token.reason !== undefined;
    controller.abort(new DOMException(message, 'TimeoutError'));
    return !callerAborted;
  });
}

/** Ends the deadline of a call that has failed for good (no retry of it will follow). */
export function endRequestDeadline(config: InternalAxiosRequestConfig | undefined): void {
  endDeadline(config?.zumRailsDeadline);
}

/**
 * The deadline runs until the stream body ends. axios listens to the abort until then: past
 * the deadline it errors the body with a cancellation, which the auth interceptor's body guard
 * reports as the deadline (see `asDeadlineTimeout`).
 */
function bodyUnderDeadline(response: AxiosResponse): void {
  const deadline = response.config.zumRailsDeadline;
  finished(response.data as Readable, () => endDeadline(deadline));
}

function endDeadline(deadline: RequestDeadline | undefined): void {
  if (deadline instanceof Deadline) deadline.end();
}

/** A cancellation caused by the deadline becomes axios' timeout error; anything else is kept. */
export function asDeadlineTimeout(error: unknown): unknown {
  const config = (error as { config?: InternalAxiosRequestConfig } | null)?.config;
  if (!isCancel(error) || config?.zumRailsDeadline?.expired !== true) return error;
  const ms = config.zumRailsTimeoutMs ?? config.timeout;
  // ECONNABORTED like axios' own timeout: the retrier sees no time left and does not retry.
  return new AxiosError(
    `overall deadline of ${ms} ms exceeded`,
    AxiosError.ECONNABORTED,
    config,
    (error as { request?: unknown }).request,
  );
}
