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
