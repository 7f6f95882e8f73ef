import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/** The fake's verdict on a bearer token presented to it. */
type BearerVerdict = 'valid' | 'unknown' | 'expired' | 'revoked';

/** What the registry remembers of one JWT it issued. */
interface IssuedJwt {
  readonly seq: number;
  readonly expiresAtMs: number;
  revoked: boolean;
}

/** Tokens remembered at most; older ones are forgotten and then answer as unknown (401). */
const MAX_TRACKED_TOKENS = 10_000;

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/**
 * Issues HS256 JWTs signed with a random per-instance secret and remembers each one's exact
 * expiry in ms. Every operation on the request path is O(1): a Map lookup, and revoke-all is a
 * sequence watermark rather than a scan.
 */
export class TokenRegistry {
  private readonly secret = randomBytes(32);
  private readonly tokens = new Map<string, IssuedJwt>();
  private nextSeq = 0;
  private revokedBelowSeq = 0;

  /** Signs a new token for `sub` valid for `ttlSeconds` from `nowMs`; `extra` claims win. */
  issue(sub: string, ttlSeconds: number, nowMs: number, extra?: Record<string, unknown>): string {
    const iat = Math.floor(nowMs / 1000);
    const claims = {
      ...{ sub, role: 'API', iat, nbf: iat, exp: iat + ttlSeconds, jti: randomUUID() },
      ...extra,
    };
    const unsigned = `${HEADER}.${base64url(JSON.stringify(claims))}`;
    const signature = createHmac('sha256', this.secret).update(unsigned).digest('base64url');
    const token = `${unsigned}.${signature}`;
    this.tokens.set(token, {
      seq: this.nextSeq++,
      expiresAtMs: nowMs + ttlSeconds * 1000,
      revoked: false,
    });
    if (this.tokens.size > MAX_TRACKED_TOKENS) {
      const oldest = this.tokens.keys().next();
      if (oldest.done !== true) this.tokens.delete(oldest.value);
    }
    return token;
  }

  /** Classifies `token` at `nowMs`; revocation wins over expiry. */
  check(token: string, nowMs: number): BearerVerdict {
    const record = this.tokens.get(token);
    if (record === undefined) return 'unknown';
    if (record.revoked || record.seq < this.revokedBelowSeq) return 'revoked';
    return nowMs >= record.expiresAtMs ? 'expired' : 'valid';
  }

  /** Revokes one token; unknown tokens are ignored. */
  revoke(token: string): void {
    const record = this.tokens.get(token);
    if (record !== undefined) record.revoked = true;
  }

  /** Revokes every token issued so far; later tokens are unaffected. */
  revokeAll(): void {
    this.revokedBelowSeq = this.nextSeq;
  }

  /** Remembered tokens, oldest first (at most {@link MAX_TRACKED_TOKENS}). */
  issued(): string[] {
    return [...this.tokens.keys()];
  }
}
