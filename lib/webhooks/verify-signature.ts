import { createHmac, timingSafeEqual } from 'node:crypto';

/** Name of the header in which Zum Rails sends a webhook's signature (Node lower-cases it). */
export const ZUMRAILS_SIGNATURE_HEADER = 'zumrails-signature';

/**
 * Canonical Base64 of a 32-byte HMAC-SHA256 digest: 43 characters and one `=` of padding,
 * nothing else. The 43rd character carries 4 digest bits and 2 padding bits that must be zero
 * (one of `AEIMQUYcgkosw048`), so each digest has exactly one accepted spelling.
 */
const SIGNATURE_PATTERN = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const DIGEST_BYTES = 32;

/**
 * Whether `signature` (the `zumrails-signature` header) is Base64(HMAC-SHA256(rawBody, secret))
 * for one of the secrets. Pure and constant time: the 32-byte digests are compared with
 * `timingSafeEqual`, and every secret is tried, whichever matches. Give the body **exactly as
 * received** (the raw bytes; a string is taken as UTF-8), never re-serialised JSON.
 *
 * Several secrets allow rotation: pass `[newSecret, oldSecret]` while both may sign.
 * Empty secrets are ignored (an empty key would be guessable).
 *
 * @returns false, never throws, for a missing, empty, short, long, non-Base64 or non-canonical
 *   Base64 signature (non-zero trailing bits, other padding, whitespace, base64url), a
 *   body that is neither a Buffer nor a string, or no usable secret.
 */
export function verifyZumRailsSignature(
  rawBody: Buffer | string,
  signature: string | undefined,
  secret: string | readonly string[],
): boolean {
  const received = decodeSignature(signature);
  const body = bodyBytes(rawBody);
  if (received === undefined || body === undefined) return false;
  let matched = false;
  for (const key of usableSecrets(secret)) {
    const expected = createHmac('sha256', key).update(body).digest();
    // No early exit: the time taken does not tell which secret matched.
    matched = timingSafeEqual(expected, received) || matched;
  }
  return matched;
}

function decodeSignature(signature: unknown): Buffer | undefined {
  if (typeof signature !== 'string' || !SIGNATURE_PATTERN.test(signature)) return undefined;
  const bytes = Buffer.from(signature, 'base64');
  return bytes.length === DIGEST_BYTES ? bytes : undefined;
}

function bodyBytes(rawBody: unknown): Buffer | undefined {
  if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
  if (rawBody instanceof Uint8Array)
    return Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  return undefined;
}

function usableSecrets(secret: unknown): string[] {
  const list: unknown[] = Array.isArray(secret) ? secret : [secret];
  return list.filter((key): key is string => typeof key === 'string' && key !== '');
}
