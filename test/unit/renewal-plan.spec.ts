import { describe, expect, it } from '@jest/globals';
import {
  MAX_TIMER_DELAY_MS,
  MIN_RETRY_DELAY_MS,
  renewalDelayMs,
  retryDelayMs,
} from '../../lib/token/renewal-plan.js';

const HOUR = 3_600_000;
const policy = { refreshLeadTimeMs: 300_000, renewalJitterMs: 30_000 };

describe('renewalDelayMs', () => {
  it.each([
    ['renews 5 min before expiry of a 1 h token without jitter', HOUR, 0, HOUR - 300_000],
    ['takes up to 30 s of jitter off a 1 h token', HOUR, 0.999999, HOUR - 300_000 - 30_000],
    ['renews a 3 s token at half its life', 3_000, 0, 1_500],
    ['caps jitter of a 3 s token at 10% of its life', 3_000, 0.999999, 1_200],
    ['renews a 10 min token at half its life', 600_000, 0, 300_000],
  ])('%s', (_name, lifetime, random, expected) => {
    const delay = renewalDelayMs(
      { issuedAt: 1_000, expiresAt: 1_000 + lifetime },
      1_000,
      policy,
      random,
    );
    expect(delay).toBe(expected);
  });

  it('counts from now, not from issue time', () => {
    const delay = renewalDelayMs({ issuedAt: 0, expiresAt: HOUR }, 1_000_000, policy, 0);
    expect(delay).toBe(HOUR - 300_000 - 1_000_000);
  });

  it('returns 0 when the renewal time has already passed', () => {
    expect(renewalDelayMs({ issuedAt: 0, expiresAt: HOUR }, HOUR + 5, policy, 0)).toBe(0);
  });

  it('caps delays below the setTimeout overflow for very long tokens', () => {
    const year = 365 * 24 * HOUR;
    expect(renewalDelayMs({ issuedAt: 0, expiresAt: year }, 0, policy, 0)).toBe(MAX_TIMER_DELAY_MS);
  });
});

describe('retryDelayMs', () => {
  const backoff = { initialDelayMs: 1_000, maxDelayMs: 60_000 };

  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [7, 60_000],
    [100, 60_000],
  ])('attempt %i backs off up to %i ms', (attempt, cap) => {
    expect(retryDelayMs(attempt, backoff, 0.999999)).toBe(Math.round(cap * 0.999999));
    expect(retryDelayMs(attempt, backoff, 0.5)).toBe(cap / 2);
  });

  it('never retries sooner than the minimum, whatever the jitter draws', () => {
    expect(retryDelayMs(1, backoff, 0)).toBe(MIN_RETRY_DELAY_MS);
  });
});
