import axios, {
  AxiosError,
  isAxiosError,
  isCancel,
  type AxiosResponse,
  type Canceler,
  type CancelToken,
  type GenericAbortSignal,
  type InternalAxiosRequestConfig,
} from 'axios';
import { finished, PassThrough, type Readable } from 'node:stream';
import { isStream } from './api-retry.js';

// `zumRailsTimeoutMs` is declared with the public request options in request-pipeline.ts.
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

/** Something a {@link DeadlineWheel} fires once its time has come, unless it ended first. */
export interface WheelEntry {
  /** When it is due, on the `performance.now()` clock (set by `arm`). */
  at: number;
  /** Set by its owner once the call settled: the wheel then only drops it. */
  ended: boolean;
  fire(): void;
}

/**
 * Entries of one duration in arming order, which is also their expiry order. An entry dropped
 * from the head is let go at once (its slot cleared, the array emptied when all are dropped):
 * a settled call's deadline must not outlive it, or it survives young-generation collections
 * and is promoted (measured: ~600 bytes per call promoted to old space, then major GCs).
 */
class Queue {
  private entries: (WheelEntry | undefined)[] = [];
  private head = 0;

  push(entry: WheelEntry): void {
    this.entries.push(entry);
  }

  /** The first entry not ended, dropping ended ones ahead of it. */
  first(): WheelEntry | undefined {
    const entries = this.entries;
    let entry = entries[this.head];
    while (entry !== undefined && entry.ended) {
      entries[this.head++] = undefined;
      entry = entries[this.head];
    }
    if (entry === undefined) {
      entries.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > entries.length) {
      this.entries = entries.slice(this.head);
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

/**
 * The cancel token `ZumRailsHttpService` gives each call it subscribes to (cancelled when the
 * subscriber leaves): it carries its own canceler, so the call's deadline cancels this same
 * token when it passes instead of adding an abort of its own.
 */
export class CallCancelToken extends axios.CancelToken {
  readonly cancelCall: Canceler;

  constructor() {
    let cancel: Canceler | undefined;
    super((canceler) => {
      cancel = canceler;
    });
    this.cancelCall = cancel!;
  }
}

/**
 * Cancels the call through `cancel` (its token's), or through `abort` when the caller's own
 * cancel token took that slot. Fired at most once, by the wheel.
 */
class Deadline implements RequestDeadline, WheelEntry {
  expired = false;
  ended = false;
  at = 0;

  constructor(
    private readonly ms: number,
    private config: InternalAxiosRequestConfig | undefined,
    private token: CancelToken | undefined,
    private cancel: Canceler | undefined,
    /** Aborts the call; false when its caller had aborted it already. */
    private abort?: (message: string) => boolean,
  ) {}

  /** Lets go of the call: an ended entry may still wait in the wheel behind a slower call. */
  end(): void {
    this.ended = true;
    this.config = undefined;
    this.token = undefined;
    this.cancel = undefined;
    this.abort = undefined;
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
 * The overall deadlines of one instance's calls, on one timer of its own. A call is aborted
 * through whichever of axios' two abort slots its caller left free, so the common call costs a
 * `CancelToken` (~0.2 µs) and not an `AbortController` (~13 µs on Node 20) nor an
 * `AbortSignal.any`:
 * - no `cancelToken`: one of ours, cancelled at the deadline;
 * - `ZumRailsHttpService`'s own {@link CallCancelToken}: that one, cancelled at the deadline too;
 * - the caller's `cancelToken` and no `signal`: an abort signal of ours;
 * - both the caller's: their `signal` composed with ours (`AbortSignal.any`).
 * A deadline abort reaches the pipeline as a cancellation, which {@link asDeadlineTimeout}
 * turns into a timeout (`ECONNABORTED`).
 */
export class RequestDeadlines {
  private readonly wheel = new DeadlineWheel();

  /** @param defaultMs the module's `requestTimeoutMs` (a request's `timeout` when longer). */
  constructor(private readonly defaultMs: number) {}

  /** Starts the deadline of a first attempt; a retry (same config) keeps the one it has. */
  start(config: InternalAxiosRequestConfig): void {
    if (config.zumRailsDeadline) return;
    // Like the retries' deadline: the module's budget, or the request's `timeout` when longer.
    const ms = config.zumRailsTimeoutMs ?? Math.max(this.defaultMs, config.timeout ?? 0);
    const deadline = this.create(config, ms);
    this.wheel.arm(deadline, ms);
    config.zumRailsDeadline = deadline;
  }

  /**
   * The call was answered: its deadline goes now rather than holding the call until it would
   * have fired. A streamed body is still to come, under the same deadline: axios listens to the
   * abort until the body ends, and past the deadline errors it with a cancellation, which the
   * pipeline's body guard reports as the deadline (see {@link asDeadlineTimeout}).
   */
  answered(response: AxiosResponse, stream: boolean): void {
    const deadline = response.config.zumRailsDeadline;
    if (stream) finished(response.data as Readable, () => endDeadline(deadline));
    else endDeadline(deadline);
  }

  private create(config: InternalAxiosRequestConfig, ms: number): Deadline {
    const token = config.cancelToken;
    if (token === undefined) {
      const source = axios.CancelToken.source();
      config.cancelToken = source.token;
      return new Deadline(ms, config, source.token, source.cancel);
    }
    if (token instanceof CallCancelToken) return new Deadline(ms, config, token, token.cancelCall);
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
}

/** Ends the deadline of a call that has failed for good (no retry of it will follow). */
export function endRequestDeadline(config: InternalAxiosRequestConfig | undefined): void {
  endDeadline(config?.zumRailsDeadline);
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

/** Whether this answer's body is a stream the caller reads (not buffered by axios). */
export function isStreamResponse(response: AxiosResponse): boolean {
  return response.config.responseType === 'stream' && isStream(response.data);
}

/**
 * The body a caller gets for `responseType: 'stream'`: the same bytes, but an error the body
 * emits (axios' "maxContentLength exceeded", the overall deadline, a reset) reaches the caller
 * as `scrub` made it. axios' own error carries the request config, with the bearer in
 * `config.headers`, the request body and the raw request (`request._header`).
 * Destroying the returned stream destroys the source (the socket goes too).
 */
export function guardStreamBody(
  response: AxiosResponse,
  scrub: (error: AxiosError) => Error,
): AxiosResponse {
  const source = response.data as Readable;
  const body = new PassThrough();
  source.on('error', (error: unknown) => {
    // A reset is a plain Error: as an AxiosError of this request.
    const axiosError = isAxiosError(error)
      ? error
      : AxiosError.from(error, undefined, response.config);
    body.destroy(scrub(axiosError));
  });
  body.on('close', () => {
    if (!source.destroyed) source.destroy();
  });
  source.pipe(body);
  response.data = body;
  return response;
}
