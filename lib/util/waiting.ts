/** An overall deadline for one call, ended by its owner once the call settles. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Clears the timer and lets go of the outer signal. */
  end(): void;
}

/**
 * An overall deadline for one call: aborts after `ms` (connect, headers and body, unlike an
 * idle-socket timeout), or earlier when `outer` aborts. The timer never holds the process.
 * A controller and a timer of our own, not `AbortSignal.any([outer, AbortSignal.timeout(ms)])`:
 * on Node 20 the timeout signal inside `any()` can be garbage-collected before it fires, and a
 * trickling login then never ends (seen under the full suite's memory pressure).
 */
export function startDeadline(ms: number, outer?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException(`deadline of ${ms} ms exceeded`, 'TimeoutError'));
  }, ms);
  timer.unref();
  const onOuter = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: controller.signal,
    end() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

/** Whether `signal` ended because its deadline passed (not because someone cancelled it). */
export function isDeadlineAbort(signal: AbortSignal): boolean {
  const reason: unknown = signal.reason;
  return signal.aborted && reason instanceof DOMException && reason.name === 'TimeoutError';
}

/** A promise with its settle functions, for waiters released from elsewhere. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T | Promise<T>): void;
  reject(reason: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T | Promise<T>) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // waiters handle it; nobody waiting is not an error
  return { promise, resolve, reject };
}

/** Settles like `promise`, or rejects with `onTimeout()` after `ms`. The timer never holds the process. */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * The one handle of the library that keeps the process alive, and only while a caller waits
 * (for a token, an API retry, a rate slot). Every other timer of the library is unref'd, so an
 * idle module never holds a process open; but a worker whose caller waits through a backoff
 * must not exit mid-call either (Node ends a process whose only timers are unref'd).
 *
 * Counted across every module of the process: the first hold creates one ref'd interval, the
 * last release clears it. The interval never does anything; its period only has to be long.
 */
let holders = 0;
let handle: NodeJS.Timeout | undefined;
const IDLE_PERIOD_MS = 2 ** 30;

/** Keeps the process alive until the returned release runs (idempotent). */
export function holdProcess(): () => void {
  holders += 1;
  handle ??= setInterval(() => undefined, IDLE_PERIOD_MS);
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    holders -= 1;
    if (holders === 0 && handle !== undefined) {
      clearInterval(handle);
      handle = undefined;
    }
  };
}

/** Settles like `wait`, keeping the process alive until it does. */
export async function whileWaiting<T>(wait: Promise<T>): Promise<T> {
  const release = holdProcess();
  try {
    return await wait;
  } finally {
    release();
  }
}

/** How many waits hold the process now (tests and diagnostics). */
export function processHolders(): number {
  return holders;
}
