import { describe, expect, it } from '@jest/globals';
import { SlidingLog } from '../../../lib/ratelimit/rule-count.js';

describe('SlidingLog', () => {
  it('never lets more than limit calls arrive in any span, however long they take to leave', () => {
    const log = new SlidingLog(3, 1_000);
    // Each admitted call reaches the server somewhere between its admission and its answer,
    // 0 to 300 ms later (a loaded machine); the log learns only of the answer.
    const arrivals: number[] = [];
    const pending: { answerAt: number; arrival: number }[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let now = 0; now <= 10_000; now += 5) {
      for (const call of pending.filter((p) => p.answerAt <= now)) {
        log.release(now);
        pending.splice(pending.indexOf(call), 1);
      }
      if (log.slotAt(now) <= now) {
        log.take();
        const answerAt = now + 300 * random();
        pending.push({ answerAt, arrival: now + (answerAt - now) * random() });
        arrivals.push(pending.at(-1)!.arrival);
      }
    }
    arrivals.sort((a, b) => a - b);
    for (const [index, start] of arrivals.entries()) {
      const inSpan = arrivals.slice(index).filter((at) => at <= start + 1_000);
      expect(inSpan.length).toBeLessThanOrEqual(3);
    }
    expect(arrivals.length).toBeGreaterThanOrEqual(20); // and the budget is used, not starved
  });

  it('tells when the slot of each caller in line can come', () => {
    const log = new SlidingLog(2, 1_000);
    log.take();
    log.take();
    expect(log.remaining(0)).toBe(0);
    expect(log.slotAt(0)).toBe(1_000); // both in flight: one span after a release, at least
    log.release(100);
    expect(log.slotAt(200)).toBe(1_100);
    expect(log.slotAt(200, 1)).toBe(1_200); // the other is still in flight
    log.release(150, 500); // no answer: may still be on its way
    expect(log.slotAt(200, 1)).toBe(1_650);
    expect(log.slotAt(200, 2)).toBe(1_200); // behind both: a call not yet admitted frees it, one span from now at best
    expect(log.remaining(1_100)).toBe(1);
    log.release(2_000); // nothing in flight: ignored
    expect(log.remaining(2_000)).toBe(2);
    expect(log.slotAt(2_000, 5)).toBe(2_000 + 2 * 1_000); // laps of `limit` callers ahead
  });
});
