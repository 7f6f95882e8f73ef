import {
  ZumRailsBadResponseError,
  ZumRailsRateLimitedError,
  ZumRailsUnavailableError,
} from '../errors/zumrails-auth.errors.js';
import type { Redaction } from '../util/redact.js';
import {
  describeBody,
  effectiveStatus,
  isErrorFlag,
  parseEnvelope,
  retryAfterMs,
  vendorDetail,
  type RawResponse,
} from '../util/zumrails-envelope.js';

/**
 * How a cancel ended: `cancelled` (Zum Rails confirmed), or `already-invalid` (401: the token
 * was expired, cancelled or unknown already, so it is as dead as a cancel would make it).
 */
export type CancelOutcome = 'cancelled' | 'already-invalid';

/**
 * Maps an answer of `PATCH /api/authorize/canceltoken`. Not the login mapping: a 401 here is
 * about the token being cancelled, never about the username and password, and it is not an
 * error (the token is dead either way). Vendor texts go through `redaction`, which knows the
 * token being cancelled: the vendor may echo the bearer it received.
 * @throws ZumRailsRateLimitedError on 429, ZumRailsUnavailableError on 5xx/408,
 *   ZumRailsBadResponseError on any other failure (403, 400, `isError`, a proxy's HTML page).
 */
export function readCancelResponse(
  response: RawResponse,
  now: number,
  redaction: Redaction,
): CancelOutcome {
  const envelope = parseEnvelope(response.body);
  const status = effectiveStatus(response.status, envelope);
  if (status === 401) return 'already-invalid';
  if (status === 429) {
    throw new ZumRailsRateLimitedError(retryAfterMs(response.headers.get('retry-after'), now));
  }
  const detail = vendorDetail(envelope, redaction);
  const suffix = detail ? ` (${detail})` : '';
  if (!envelope && response.body.trim() !== '') {
    const what = describeBody(response, redaction);
    throw new ZumRailsBadResponseError(`canceltoken answered ${what}`, response.status);
  }
  if (status >= 500 || status === 408) {
    throw new ZumRailsUnavailableError(
      `could not cancel the token: HTTP ${status}${suffix}`,
      response.status,
    );
  }
  if (status >= 300 || (envelope !== undefined && isErrorFlag(envelope))) {
    throw new ZumRailsBadResponseError(
      `canceltoken answered HTTP ${status}${suffix}`,
      response.status,
    );
  }
  return 'cancelled';
}
