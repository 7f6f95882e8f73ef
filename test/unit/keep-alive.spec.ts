import { describe, expect, it } from '@jest/globals';
import { holdProcess, processHolders, whileWaiting } from '../../lib/util/waiting.js';
import { deferred } from '../../lib/util/waiting.js';

/** Ref'd timers: what keeps the event loop alive (unref'd ones are not listed). */
function refTimers(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
}

describe('keep-alive (one ref handle while callers wait)', () => {
  it('holds exactly one ref timer however many wait, and none once the last lets go', () => {
    const before = refTimers();
    const releases = Array.from({ length: 50 }, () => holdProcess());
    expect(refTimers()).toBe(before + 1);
    expect(processHolders()).toBe(50);

    for (const release of releases.slice(1)) release();
    expect(refTimers()).toBe(before + 1);
    releases[0]!();
    expect(refTimers()).toBe(before);
    expect(processHolders()).toBe(0);
  });

  it('a release runs once: releasing twice does not free another waiter', () => {
    const before = refTimers();
    const first = holdProcess();
    const second = holdProcess();
    first();
    first();
    expect(refTimers()).toBe(before + 1);
    second();
    expect(refTimers()).toBe(before);
  });

  it('whileWaiting holds until the wait settles, rejected or resolved', async () => {
    const before = refTimers();
    const ok = deferred<string>();
    const failing = deferred<string>();
    const waits = [whileWaiting(ok.promise), whileWaiting(failing.promise)];
    expect(processHolders()).toBe(2);

    ok.resolve('token');
    await expect(waits[0]).resolves.toBe('token');
    expect(refTimers()).toBe(before + 1);
    failing.reject(new Error('login failed'));
    await expect(waits[1]).rejects.toThrow('login failed');
    expect(refTimers()).toBe(before);
  });
});
