import type { LoginResult } from '../token/auth-answers.js';
import { isBearerToken } from '../token/issued-token.js';
import { open, seal, SEALED_PREFIX } from './record-cipher.js';

/**
 * What the fleet shares under the token key. Readers take the remaining lifetime from the
 * store's TTL (one clock for the fleet), not from `expiresAt`, so replica clocks may disagree.
 */
export interface TokenRecord {
  readonly token: string;
  readonly session: LoginResult['session'];
  /** Full lifetime of the token (JWT `exp − iat`, else `fallbackTokenTtlMs`), ms. */
  readonly lifetimeMs: number;
  /** Writer's clock when it received the token, epoch ms (diagnostics only). */
  readonly issuedAt: number;
  /** Writer's clock at expiry, epoch ms; used only when the store reports no TTL. */
  readonly expiresAt: number;
}

/** Why a stored value could not be used. */
export type RecordProblem = 'encrypted-without-key' | 'plaintext-with-key' | 'unreadable';

type DecodedRecord = { record: TokenRecord } | { problem: RecordProblem };

/** JSON, sealed with AES-256-GCM when a key is configured. */
export class TokenRecordCodec {
  constructor(private readonly key: Buffer | undefined) {}

  encode(record: TokenRecord, storageKey: string): string {
    const json = JSON.stringify({ v: 1, ...record });
    return this.key ? seal(json, this.key, storageKey) : json;
  }

  decode(raw: string, storageKey: string): DecodedRecord {
    const sealed = raw.startsWith(SEALED_PREFIX);
    if (sealed && !this.key) return { problem: 'encrypted-without-key' };
    if (!sealed && this.key) return { problem: 'plaintext-with-key' };
    const json = this.key ? open(raw, this.key, storageKey) : raw;
    const record = json === undefined ? undefined : parseRecord(json);
    return record ? { record } : { problem: 'unreadable' };
  }
}

function parseRecord(json: string): TokenRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { v, token, session, lifetimeMs, issuedAt, expiresAt } = data as Record<string, unknown>;
  const valid =
    v === 1 &&
    typeof token === 'string' &&
    isBearerToken(token) &&
    typeof session === 'object' &&
    session !== null &&
    [lifetimeMs, issuedAt, expiresAt].every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    (lifetimeMs as number) > 0;
  if (!valid) return undefined;
  return {
    token,
    session: pickSession(session as Record<string, unknown>),
    lifetimeMs: lifetimeMs as number,
    issuedAt: issuedAt as number,
    expiresAt: expiresAt as number,
  };
}

const SESSION_FIELDS = ['role', 'customerId', 'companyName', 'customerType', 'username'] as const;

function pickSession(raw: Record<string, unknown>): TokenRecord['session'] {
  const session: Record<string, string> = {};
  for (const field of SESSION_FIELDS) {
    const value = raw[field];
    if (typeof value === 'string') session[field] = value;
  }
  return session;
}
