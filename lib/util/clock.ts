/** Source of the current time in epoch milliseconds. Inject a fake one in tests. */
export interface Clock {
  now(): number;
}

/** The real clock. The only place in the library that reads `Date.now()`. */
export const systemClock: Clock = { now: () => Date.now() };
