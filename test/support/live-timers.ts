import { createHook } from 'node:async_hooks';

/**
 * Watches every `setTimeout` created while enabled, to count the live ones (not fired, not
 * cleared) by delay. Node marks a fired or cleared Timeout with `_idleTimeout = -1`: internal,
 * but stable since Node 0.x and the only way to see unref'd timers.
 */
export function watchTimers(): { live(minDelayMs: number): NodeJS.Timeout[]; stop(): void } {
  const seen = new Set<NodeJS.Timeout>();
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === 'Timeout') seen.add(resource as NodeJS.Timeout);
    },
  }).enable();
  const delayOf = (timer: NodeJS.Timeout) =>
    (timer as unknown as { _idleTimeout: number })._idleTimeout;
  return {
    live: (minDelayMs) => [...seen].filter((timer) => delayOf(timer) >= minDelayMs),
    stop: () => hook.disable(),
  };
}
