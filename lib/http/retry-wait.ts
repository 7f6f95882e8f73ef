import type { CancelToken, GenericAbortSignal } from 'axios';
import { holdProcess } from '../util/keep-alive.js';

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
export function waitForRetry(ms: number, abort: RetryWaitAbort): Promise<void> {
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
