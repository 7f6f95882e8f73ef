import { afterEach, jest } from '@jest/globals';

type TimersConfig = Extract<
  NonNullable<Parameters<typeof jest.useFakeTimers>[0]>,
  { legacyFakeTimers?: false }
>;
type FakeableApi = NonNullable<TimersConfig['doNotFake']>[number];

/**
 * Every API Jest could fake except `Date`. These tests talk over real loopback HTTP, so
 * sockets, timers and ticks must stay real; a record (not a list) makes the compiler name any
 * API a new Jest adds, so it cannot be faked by surprise.
 */
const STAY_REAL: Record<Exclude<FakeableApi, 'Date'>, true> = {
  hrtime: true,
  nextTick: true,
  performance: true,
  queueMicrotask: true,
  requestAnimationFrame: true,
  cancelAnimationFrame: true,
  requestIdleCallback: true,
  cancelIdleCallback: true,
  setImmediate: true,
  clearImmediate: true,
  setInterval: true,
  clearInterval: true,
  setTimeout: true,
  clearTimeout: true,
  Temporal: true,
};

/**
 * A wall clock that stands still until the test moves it. The library (and FakeZumRails by
 * default) read time as `Date.now()` at call time, so this drives their time without any option;
 * their timers still run in real time, as in production after a clock jump.
 */
export interface ManualDate {
  /** The faked `Date.now()`; also fits where a `{ now() }` clock is asked for (FakeZumRails). */
  now(): number;
  /** Puts `Date.now()` at `epochMs`. */
  set(epochMs: number): void;
  /** Moves `Date.now()` on by `ms`. */
  advance(ms: number): void;
  /** Gives the real `Date` back. Harmless when already restored. */
  restore(): void;
}

/** Fakes `Date` alone, standing at `startMs` (default: the real now). Call `restore()` after. */
export function manualDate(startMs: number = Date.now()): ManualDate {
  jest.useFakeTimers({ doNotFake: Object.keys(STAY_REAL) as FakeableApi[], now: startMs });
  return {
    now: () => Date.now(),
    set: (epochMs) => jest.setSystemTime(epochMs),
    advance: (ms) => jest.setSystemTime(Date.now() + ms),
    restore: () => {
      jest.useRealTimers();
    },
  };
}

/**
 * Registers, in the calling describe block, an `afterEach` that restores `Date`, so a failing
 * test cannot leave it faked for the next. Returns `manualDate`, to call inside a test.
 */
export function useManualDate(): typeof manualDate {
  afterEach(() => {
    jest.useRealTimers();
  });
  return manualDate;
}
