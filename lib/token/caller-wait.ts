import type { ZumRailsAuthError } from '../errors/zumrails-auth.errors.js';
import { ZumRailsAuthError as AuthError } from '../errors/zumrails-auth.errors.js';

/**
 * Failures a caller without a valid token waits across (until a token or `tokenWaitTimeoutMs`):
 * Zum Rails unavailable (5xx, timeout, reset) and rate limits. Rejected credentials, bad
 * responses, internal errors and shutdown fail callers at once.
 */
export function isTransient(error: unknown): error is ZumRailsAuthError {
  return (
    error instanceof AuthError && (error.code === 'unavailable' || error.code === 'rate-limited')
  );
}

/**
 * Callers waiting for a token, released all at once at shutdown: after shutdown no caller
 * receives a token, however late a login answers.
 */
export class CallerRelease {
  private readonly waiting = new Set<(reason: Error) => void>();

  /** Settles like `attempt`, or rejects when `releaseAll` runs first. */
  guard<T>(attempt: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      attempt.then(resolve, reject).finally(() => this.waiting.delete(reject));
    });
  }

  releaseAll(reason: Error): void {
    for (const reject of this.waiting) reject(reason);
    this.waiting.clear();
  }
}
