/**
 * An overall deadline for one call: aborts after `ms` (connect, headers and body, unlike an
 * idle-socket timeout), or earlier when `outer` aborts. The timer never holds the process.
 */
export function deadlineSignal(ms: number, outer?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return outer ? AbortSignal.any([outer, timeout]) : timeout;
}

/** Whether `signal` ended because its deadline passed (not because someone cancelled it). */
export function isDeadlineAbort(signal: AbortSignal): boolean {
  const reason: unknown = signal.reason;
  return signal.aborted && reason instanceof DOMException && reason.name === 'TimeoutError';
}
