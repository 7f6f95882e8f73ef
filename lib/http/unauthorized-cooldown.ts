/** How long a token refused right after a 401 recovery stays exempt from further recoveries. */
const UNAUTHORIZED_COOLDOWN_MS = 10_000;

/**
 * Bounds logins caused by an API that answers 401 whatever the token (an endpoint the API user
 * may not call, say): once the retry with a freshly obtained token is refused too, later 401s
 * for that same token go straight to the caller for `cooldownMs`, instead of costing one login
 * each on the rate-limited login endpoint. Other tokens are unaffected.
 */
export class UnauthorizedCooldown {
  private token?: string;
  private until = 0;

  constructor(private readonly cooldownMs = UNAUTHORIZED_COOLDOWN_MS) {}

  /** The retry carrying `token`, obtained just after a 401, was answered 401 as well. */
  refused(token: string): void {
    this.token = token;
    this.until = Date.now() + this.cooldownMs;
  }

  /** Whether a 401 for `token` may invalidate it and cost a new login. */
  allowsRecovery(token: string): boolean {
    return token !== this.token || Date.now() >= this.until;
  }
}
