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
