import type { ZumRailsAuthErrorCode } from '../errors/zumrails-auth.errors.js';

/** A secret-free summary of a failure, as events and status report it. */
export interface ZumRailsFailureSummary {
  code: ZumRailsAuthErrorCode;
  message: string;
  status?: number;
  /** When it happened, epoch ms. */
  at: number;
}

/**
 * Where a new token came from: `login` (this replica logged in) or `store` (read from the
 * shared `TokenStore`, another replica's login).
 */
export type ZumRailsTokenOrigin = 'login' | 'store';

/** An event as `TokenService` raises it, before `events$` adds the account. */
export type ZumRailsTokenEventBody =
  | {
      type: 'acquired';
      at: number;
      expiresAt: number;
      fingerprint: string;
      origin: ZumRailsTokenOrigin;
    }
  | {
      type: 'renewed';
      at: number;
      expiresAt: number;
      fingerprint: string;
      previousFingerprint: string;
      origin: ZumRailsTokenOrigin;
    }
  | {
      type: 'renewal-failed';
      at: number;
      error: ZumRailsFailureSummary;
      /** Consecutive failed attempts, this one included. */
      attempt: number;
      /** Delay before the next attempt. */
      nextRetryInMs: number;
      /** Whether callers are still being served a valid token. */
      tokenStillValid: boolean;
    }
  | {
      type: 'credentials-rejected';
      at: number;
      status: number | undefined;
      /** Consecutive failed attempts, this one included. */
      attempt: number;
      nextRetryInMs: number;
    }
  | { type: 'expired'; at: number; fingerprint: string }
  | {
      type: 'cancelled';
      at: number;
      fingerprint: string;
      /** Whether the token is known dead at Zum Rails (cancelled now, or already invalid). */
      revoked: boolean;
      /** Zum Rails answered 401: the token was already expired, cancelled or unknown. */
      alreadyInvalid: boolean;
    };

/**
 * Emitted on `TokenService.events$`. Tokens appear only as an 8-hex-char fingerprint.
 * `account` is `'default'` or the `name` given to `forRoot`.
 */
export type ZumRailsTokenEvent = ZumRailsTokenEventBody & { account: string };

/** The `type` of a `ZumRailsTokenEvent`. */
export type ZumRailsTokenEventType = ZumRailsTokenEvent['type'];
