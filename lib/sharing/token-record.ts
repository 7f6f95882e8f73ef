import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { LoginResult } from '../protocol/zumrails-protocol.js';
import { isBearerToken } from '../token/issued-token.js';

/** Marks an encrypted record: `zr1.gcm.<base64url(iv ‖ tag ‖ ciphertext)>`. */
export const SEALED_PREFIX = 'zr1.gcm.';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a random 96-bit IV per record. `aad` (the storage key) is authenticated,
 * so a record copied under another key (another environment or username) does not open.
 */
export function seal(plaintext: string, key: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The plaintext of a sealed record, or `undefined` when the key, the aad or the bytes differ. */
export function open(sealed: string, key: Buffer, aad: string): string | undefined {
  const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const body = bytes.subarray(IV_BYTES + TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

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
