import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { DeadlineWheel, type WheelEntry } from '../../../lib/http/request-deadline.js';

/** An entry that records when it fired (fake clock). */
function entry(fired: string[], name: string): WheelEntry {
  return { at: 0, ended: false, fire: () => void fired.push(`${name}@${performance.now()}`) };
}

/** Ref'd timers: what keeps the event loop alive (unref'd ones are not listed). */
function refTimers(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
}

describe('DeadlineWheel (every request deadline on one timer)', () => {
  beforeEach(() => void jest.useFakeTimers({ now: 0 }));
  afterEach(() => void jest.useRealTimers());

  it('fires each entry once its time has come, in order, on one timer', () => {
    const wheel = new DeadlineWheel();
    const fired: string[] = [];
    wheel.arm(entry(fired, 'a'), 100);
    jest.advanceTimersByTime(10);
    wheel.arm(entry(fired, 'b'), 100);
    wheel.arm(entry(fired, 'c'), 30); // another duration, due before both
    expect(jest.getTimerCount()).toBe(1);

    jest.advanceTimersByTime(29);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual(['c@40']);
    jest.advanceTimersByTime(60);
    expect(fired).toEqual(['c@40', 'a@100']);
    jest.advanceTimersByTime(10);
    expect(fired).toEqual(['c@40', 'a@100', 'b@110']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('never fires an entry that ended, and lets the timer go once nothing is armed', () => {
    const wheel = new DeadlineWheel();
    const fired: string[] = [];
    const first = entry(fired, 'first');
    const second = entry(fired, 'second');
    wheel.arm(first, 50);
    wheel.arm(second, 50);
    first.ended = true;
    jest.advanceTimersByTime(50);
    expect(fired).toEqual(['second@50']);

    const settled = entry(fired, 'settled');
    wheel.arm(settled, 50);
    settled.ended = true;
    jest.advanceTimersByTime(1_000);
    expect(fired).toEqual(['second@50']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps firing entries armed long after many ended ones (calls one at a time)', () => {
    const wheel = new DeadlineWheel();
    const fired: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      const settled = entry(fired, `call${i}`);
      wheel.arm(settled, 1_000);
      settled.ended = true;
    }
    wheel.arm(entry(fired, 'last'), 1_000);
    jest.advanceTimersByTime(1_000);
    expect(fired).toEqual(['last@1000']);
  });
});

describe('DeadlineWheel entries behind a slow call', () => {
  beforeEach(() => void jest.useFakeTimers({ now: 0 }));
  afterEach(() => void jest.useRealTimers());

  it('fires only the calls still running once many ahead of them have ended', () => {
    const wheel = new DeadlineWheel();
    const fired: string[] = [];
    const calls = Array.from({ length: 2_000 }, (_, i) => entry(fired, `call${i}`));
    for (const call of calls) wheel.arm(call, 1_000);
    for (const call of calls.slice(0, -1)) call.ended = true;
    wheel.arm(entry(fired, 'next'), 1_000); // drops the 1,999 ended ones from the head
    jest.advanceTimersByTime(1_000);
    expect(fired).toEqual(['call1999@1000', 'next@1000']);
  });
});

describe('DeadlineWheel timer', () => {
  it('never holds the process', () => {
    const before = refTimers();
    const wheel = new DeadlineWheel();
    const armed = entry([], 'armed');
    wheel.arm(armed, 60_000);
    expect(refTimers()).toBe(before);
    armed.ended = true;
  });
});
