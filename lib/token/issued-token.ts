import { createHash } from 'node:crypto';
import { ZumRailsBadResponseError } from '../errors/zumrails.errors.js';

/** What the login told us about the API user, without the token. */
export interface ZumRailsSession {
  role?: string;
  customerId?: string;
  companyName?: string;
  customerType?: string;
  username?: string;
  /** When the login that got this token was sent, epoch ms on the local clock. */
  issuedAt: number;
  /**
   * When this token expires, epoch ms on the local clock: `issuedAt + exp − iat`, minus the
   * rounding of the JWT's whole-second `iat` (up to 1 s, at most half the lifetime).
   */
  expiresAt: number;
}

/** An issued bearer token with its lifetime measured on the local clock. */
export interface IssuedToken {
  readonly value: string;
  readonly session: ZumRailsSession;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Last instant the token is handed out; a safety margin before `expiresAt`. */
  readonly usableUntil: number;
  /** First 8 hex chars of SHA-256(token): safe to log, enough to tell tokens apart. */
  readonly fingerprint: string;
}

export { isBearerToken } from '../protocol/zumrails-protocol.js';

/** Largest margin kept between handing a token out and its expiry. */
const MAX_SAFETY_MARGIN_MS = 30_000;
/** Longest lifetime believed from a token or a store record; Zum Rails issues 1-hour tokens. */
export const MAX_TOKEN_LIFETIME_MS = 24 * 3_600_000;
/** JWT `iat` is rounded down to the second: the token may be up to this much older than it says. */
const IAT_ROUNDING_MS = 1_000;

/**
 * Builds the domain token. `lifetime = exp − iat` when the JWT carries both, else the
 * fallback, at most {@link MAX_TOKEN_LIFETIME_MS}; it is counted from `receivedAt` so
 * server/client clock skew is irrelevant.
 * @throws ZumRailsBadResponseError when the JWT's `exp`/`iat` are not finite numbers.
 */
export function issueToken(
  value: string,
  session: Omit<ZumRailsSession, 'issuedAt' | 'expiresAt'>,
  receivedAt: number,
  fallbackTtlMs: number,
  shortenByMs = 0,
): IssuedToken {
  return tokenWithLifetime(
    value,
    session,
    receivedAt,
    tokenLifetimeMs(value, fallbackTtlMs) - shortenByMs,
  );
}

/** The domain token for a lifetime already decided (e.g. a shared store record's). */
export function tokenWithLifetime(
  value: string,
  session: Omit<ZumRailsSession, 'issuedAt' | 'expiresAt'>,
  receivedAt: number,
  lifetime: number,
): IssuedToken {
  const expiresAt = receivedAt + lifetime;
  return {
    value,
    session: { ...session, issuedAt: receivedAt, expiresAt },
    issuedAt: receivedAt,
    expiresAt,
    usableUntil: expiresAt - Math.min(MAX_SAFETY_MARGIN_MS, lifetime / 10),
    fingerprint: fingerprintOf(value),
  };
}

/**
 * The token a login returned, its lifetime counted from when the login was *sent* (latency
 * never extends it) and, for a JWT, shortened by the rounding of `iat` (1 s, at most half the
 * lifetime), so the renewal lead is never eaten by rounding or latency.
 */
export function issueLoginToken(
  value: string,
  session: Omit<ZumRailsSession, 'issuedAt' | 'expiresAt'>,
  sentAt: number,
  fallbackTtlMs: number,
): IssuedToken {
  const jwt = jwtLifetimeMs(value);
  const rounding = jwt === undefined ? 0 : Math.min(IAT_ROUNDING_MS, tokenLifetimeMs(value, 0) / 2);
  return issueToken(value, session, sentAt, fallbackTtlMs, rounding);
}

/** The lifetime believed: `exp − iat`, else `fallbackTtlMs`, at most 24 h. */
export function tokenLifetimeMs(value: string, fallbackTtlMs: number): number {
  return Math.min(jwtLifetimeMs(value) ?? fallbackTtlMs, MAX_TOKEN_LIFETIME_MS);
}

/**
 * Lifetime from the JWT's `exp − iat` (uncapped), or undefined when unreadable. No signature check.
 * @throws ZumRailsBadResponseError when `exp`/`iat` are numbers but not finite ones (`1e400`).
 */
export function jwtLifetimeMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!claims || typeof claims !== 'object') return undefined;
  const { exp, iat } = claims as { exp?: unknown; iat?: unknown };
  if (typeof exp !== 'number' || typeof iat !== 'number') return undefined;
  const lifetime = (exp - iat) * 1000;
  if (!Number.isFinite(lifetime)) {
    throw new ZumRailsBadResponseError("the token's exp/iat claims are not finite numbers");
  }
  return lifetime > 0 ? lifetime : undefined;
}

/** Short, non-reversible identifier of a token for logs and events. */
export function fingerprintOf(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 8);
}
