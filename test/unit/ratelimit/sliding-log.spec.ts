import { describe, expect, it } from '@jest/globals';
import { SlidingLog } from '../../../lib/ratelimit/sliding-log.js';

describe('SlidingLog', () => {
  it('holds at most limit admissions in any span, wherever the span starts', () => {
    const log = new SlidingLog(3, 1_000);
    const admitted: number[] = [];
    // Ask every 10 ms for 5 s; admit whenever the log has a slot.
    for (let now = 0; now <= 5_000; now += 10) {
      if (log.slotAt(now) <= now) {
        log.take(now);
        admitted.push(now);
      }
    }
    for (const [index, start] of admitted.entries()) {
      const inSpan = admitted.slice(index).filter((at) => at < start + 1_000);
      expect(inSpan.length).toBeLessThanOrEqual(3);
    }
    expect(admitted.length).toBeGreaterThanOrEqual(15); // and the budget is used, not starved
  });

  it('tells when the slot of each caller in line can come', () => {
    const log = new SlidingLog(2, 1_000);
    log.take(0);
    log.take(100);
    expect(log.remaining(200)).toBe(0);
    expect(log.slotAt(200)).toBe(1_000);
    expect(log.slotAt(200, 1)).toBe(1_100);
    expect(log.slotAt(200, 2)).toBe(2_000); // a lap later: at least one more span
    expect(log.slotAt(1_000)).toBe(1_000);
    expect(log.remaining(1_050)).toBe(1);
  });
});
