import {
  ZumRailsBadResponseError,
  ZumRailsCredentialsRejectedError,
  ZumRailsRateLimitedError,
  ZumRailsUnavailableError,
  type ZumRailsAuthError,
} from '../errors/zumrails-auth.errors.js';
import type { Redaction } from '../util/redact.js';
import { cutVendorText } from '../util/vendor-text.js';
import type { ZumRailsSession } from './issued-token.js';
import {
  describeEnvelopeError,
  parseEnvelope,
  type AuthorizeResultWire,
  type ZumRailsEnvelope,
} from '../util/zumrails-envelope.js';

/** Zum Rails blocks an IP for 5 minutes after a quota breach; wait that long without Retry-After. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 5 * 60_000;
/** Longest token accepted: a longer one would make every API call fail with HTTP 431. */
export const MAX_TOKEN_CHARS = 8 * 1024;

/** A raw HTTP answer, as the transport saw it. */
export interface RawResponse {
  status: number;
  body: string;
  headers: { get(name: string): string | undefined };
}

/** A successful login: the token and what the login said about the API user. */
export interface LoginResult {
  token: string;
  session: Omit<ZumRailsSession, 'issuedAt' | 'expiresAt'>;
}

/**
 * Maps an answer of `POST /api/authorize` to a login or a typed error, checking `isError`
 * first, then `statusCode`, then `result.Token`, as the vendor advises. Every string taken
 * from the answer into an error or the session goes through `redaction` (the vendor may echo
 * the password back, in any encoding).
 */
export function readLoginResponse(
  response: RawResponse,
  now: number,
  redaction: Redaction,
): LoginResult {
  const envelope = parseEnvelope(response.body);
  const failure = envelopeFailure(response, envelope, now, redaction);
  if (failure) throw failure;
  const result = (envelope?.result ?? undefined) as AuthorizeResultWire | undefined;
  if (!result || typeof result.Token !== 'string' || result.Token.trim() === '') {
    throw new ZumRailsBadResponseError(
      'login succeeded but result.Token is missing',
      response.status,
    );
  }
  if (result.Token.length > MAX_TOKEN_CHARS) {
    throw new ZumRailsBadResponseError(
      `result.Token is ${result.Token.length} characters long (at most ${MAX_TOKEN_CHARS} accepted)`,
      response.status,
    );
  }
  return {
    token: result.Token,
    session: {
      role: text(result.Role, redaction),
      customerId: text(result.CustomerId, redaction),
      companyName: text(result.CompanyName, redaction),
      customerType: text(result.CustomerType, redaction),
      username: text(result.Username, redaction),
    },
  };
}

/**
 * The typed error a login answer stands for, or undefined when it is a success envelope.
 * Vendor texts in the error are taken from the redacted envelope.
 */
export function envelopeFailure(
  response: RawResponse,
  envelope: ZumRailsEnvelope | undefined,
  now: number,
  redaction: Redaction,
): ZumRailsAuthError | undefined {
  const status = effectiveStatus(response.status, envelope);
  const detail = vendorDetail(envelope, redaction);
  if (status === 401 || status === 403) return new ZumRailsCredentialsRejectedError(status, detail);
  if (status === 429)
    return new ZumRailsRateLimitedError(retryAfterMs(response.headers.get('retry-after'), now));
  // A page instead of an envelope (HTML from the istio-envoy edge, text): not Zum Rails speaking.
  if (!envelope && response.body.trim() !== '') {
    return new ZumRailsBadResponseError(describeBody(response, redaction), response.status);
  }
  if (status >= 500 || status === 408) {
    return new ZumRailsUnavailableError(
      `HTTP ${status}${detail ? ` (${detail})` : ''}`,
      response.status,
    );
  }
  if (!envelope) {
    return new ZumRailsBadResponseError(describeBody(response, redaction), response.status);
  }
  if (isErrorFlag(envelope) || status >= 400) {
    return new ZumRailsBadResponseError(
      `isError with statusCode ${status}${detail ? `: ${detail}` : ''}`,
      response.status,
    );
  }
  return undefined;
}

/** The vendor's error text from the envelope, redacted (every string in it), then cut short. */
export function vendorDetail(
  envelope: ZumRailsEnvelope | undefined,
  redaction: Redaction,
): string | undefined {
  const text = envelope ? describeEnvelopeError(redaction.value(envelope)) : undefined;
  return text === undefined ? undefined : cutVendorText(text);
}

/** HTTP status when it is an error; otherwise the envelope's own statusCode when it reports one. */
export function effectiveStatus(
  httpStatus: number,
  envelope: ZumRailsEnvelope | undefined,
): number {
  if (httpStatus >= 400 || !envelope) return httpStatus;
  const code = Number(envelope.statusCode);
  return isErrorFlag(envelope) && Number.isInteger(code) && code >= 400 ? code : httpStatus;
}

/** `isError` other than `false` (`true`, `"true"`, `1`...) is a failure; absent is not. */
export function isErrorFlag(envelope: ZumRailsEnvelope): boolean {
  const flag: unknown = envelope.isError;
  return flag !== undefined && flag !== false;
}

/** What a body that is no envelope looks like; the content type is the server's, so redacted. */
export function describeBody(response: RawResponse, redaction: Redaction): string {
  const type = redaction.text(response.headers.get('content-type') ?? 'no content type');
  if (response.body.trim() === '') return `empty body (HTTP ${response.status})`;
  if (type.includes('html'))
    return `HTML instead of JSON (HTTP ${response.status}), probably from a proxy`;
  return `body is not a JSON envelope (HTTP ${response.status}, ${type})`;
}

/** `Retry-After` as seconds or an HTTP date; the vendor's 5-minute block when absent. */
export function retryAfterMs(header: string | undefined, now: number): number {
  if (!header) return DEFAULT_RATE_LIMIT_WAIT_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? DEFAULT_RATE_LIMIT_WAIT_MS : Math.max(0, date - now);
}

function text(value: unknown, redaction: Redaction): string | undefined {
  return typeof value === 'string' ? redaction.text(value) : undefined;
}
