import { createHash } from 'node:crypto';

/** What the login told us about the API user, without the token. */
export interface ZumRailsSession {
  role?: string;
  customerId?: string;
  companyName?: string;
  customerType?: string;
  username?: string;
  /** When this token was received, epoch ms on the local clock. */
  issuedAt: number;
  /** When this token expires, epoch ms on the local clock. */
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

/** Largest margin kept between handing a token out and its expiry. */
const MAX_SAFETY_MARGIN_MS = 30_000;

/**
 * Builds the domain token. `lifetime = exp − iat` when the JWT carries both, else the
 * fallback; the lifetime is counted from `receivedAt` so server/client clock skew is irrelevant.
 */
export function issueToken(
  value: string,
  session: Omit<ZumRailsSession, 'issuedAt' | 'expiresAt'>,
  receivedAt: number,
  fallbackTtlMs: number,
): IssuedToken {
  const lifetime = jwtLifetimeMs(value) ?? fallbackTtlMs;
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

/** Lifetime from the JWT's `exp − iat`, or undefined when unreadable. No signature check. */
export function jwtLifetimeMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!claims || typeof claims !== 'object') return undefined;
    const { exp, iat } = claims as { exp?: unknown; iat?: unknown };
    if (typeof exp !== 'number' || typeof iat !== 'number') return undefined;
    const lifetime = (exp - iat) * 1000;
    return Number.isFinite(lifetime) && lifetime > 0 ? lifetime : undefined;
  } catch {
    return undefined;
  }
}

/** Short, non-reversible identifier of a token for logs and events. */
export function fingerprintOf(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 8);
}
