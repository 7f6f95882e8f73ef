import { ZumRailsRateLimitedError } from '../errors/zumrails-auth.errors.js';

const WINDOW_MS = 60_000;

/** What status and health show about the login budget. */
export interface ZumRailsLoginBudgetStatus {
  /** The budget: `maxLoginsPerMinute`. */
  maxPerMinute: number;
  /** Logins sent in the last 60 s. */
  usedInLastMinute: number;
  /** When the next login is allowed, epoch ms; undefined while the budget has room. */
  nextLoginAllowedAt?: number;
}

/**
 * At most `max` logins per rolling minute, whatever triggers them (timer, callers, `refresh()`,
 * 401 recovery, the store). One invariant in one place: the login client asks it before every
 * request, so no loop anywhere can turn into a login storm.
 */
export class LoginBudget {
  /** Send times of the logins of the last minute, oldest first; never more than `max`. */
  private readonly sent: number[] = [];

  constructor(private readonly max: number) {}

  /**
   * Records a login sent at `now`.
   * @throws ZumRailsRateLimitedError (`source: 'login-budget'`) when the budget is used up.
   */
  take(now: number): void {
    this.forget(now);
    if (this.sent.length >= this.max) {
      throw new ZumRailsRateLimitedError(this.nextAllowedAt(now) - now, 'login-budget');
    }
    this.sent.push(now);
  }

  status(now: number): ZumRailsLoginBudgetStatus {
    this.forget(now);
    const full = this.sent.length >= this.max;
    return {
      maxPerMinute: this.max,
      usedInLastMinute: this.sent.length,
      ...(full ? { nextLoginAllowedAt: this.nextAllowedAt(now) } : {}),
    };
  }

  private nextAllowedAt(now: number): number {
    return Math.max(now, (this.sent[0] ?? now) + WINDOW_MS);
  }

  private forget(now: number): void {
    while (this.sent.length > 0 && this.sent[0]! <= now - WINDOW_MS) this.sent.shift();
  }
}
