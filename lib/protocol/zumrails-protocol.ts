import type { AxiosResponse } from 'axios';
import {
  ZumRailsBadResponseError,
  ZumRailsBlockedByIntermediaryError,
  ZumRailsCredentialsRejectedError,
  ZumRailsRateLimitedError,
  ZumRailsUnavailableError,
  type ZumRailsError,
} from '../errors/zumrails.errors.js';
import type { Redaction } from '../util/redact.js';

// The one reading of a Zum Rails answer (login, cancel, API call, retry) into one verdict, once
// per answer; an auth answer becomes a token or a typed error here, an API call's a
// ZumRailsHttpError (http/zumrails-http.error.ts).

/** A Zum Rails envelope as it may arrive: every field optional (a hostile answer need have none). */
export interface EnvelopeWire {
  statusCode?: number;
  message?: string;
  isError?: boolean;
  result?: unknown;
  responseException?: { exceptionMessage?: string | Record<string, unknown> };
}

/** A raw HTTP answer of the auth endpoints, as the transport saw it. */
export interface RawResponse {
  status: number;
  body: string;
  headers: { get(name: string): string | undefined };
}

/**
 * What an answer means, whoever sent it:
 * - `success`: a 2xx that is no failure (`envelope` undefined when the body is no envelope);
 * - `rejected`: Zum Rails itself said 401/403 (only an envelope can reject credentials);
 * - `blocked`: a 401/403 page that is no envelope (a WAF, proxy), or a proxy's 407;
 * - `rate-limited`: 429, from Zum Rails or anything in front of it;
 * - `transient`: 5xx or 408, an envelope or an edge page: worth waiting through;
 * - `failed`: any other failure (4xx envelope, `isError` other than `false`, a 3xx/4xx page).
 */
export type AnswerKind =
  'success' | 'rejected' | 'blocked' | 'rate-limited' | 'transient' | 'failed';

/** The verdict on one answer. */
export interface AnswerVerdict {
  readonly kind: AnswerKind;
  /** The HTTP status, or the envelope's `statusCode` when a 2xx envelope reports a failure. */
  readonly status: number;
  /** The envelope when Zum Rails answered; undefined for a page (HTML, text, empty). */
  readonly envelope: EnvelopeWire | undefined;
  /** A valid `Retry-After` of a 429 or 503, in ms (uncapped); undefined when absent or invalid. */
  readonly retryAfterMs: number | undefined;
}

/**
 * The verdict on an answer: HTTP `status`, `body` (a string, or what axios parsed), and the
 * `Retry-After` header. Only a Zum Rails envelope (a JSON object with `isError`) can reject
 * credentials; a page is judged by its status as a transport failure.
 */
export function readAnswer(
  status: number,
  body: unknown,
  retryAfter: unknown,
  now: number,
): AnswerVerdict {
  const envelope = readEnvelope(body);
  const effective = effectiveStatus(status, envelope);
  let kind: AnswerKind;
  if (effective === 429) kind = 'rate-limited';
  else if (status === 407) kind = 'blocked';
  else if (effective >= 500 || effective === 408) kind = 'transient';
  else if (effective === 401 || effective === 403) kind = envelope ? 'rejected' : 'blocked';
  else if (!envelope) kind = status >= 200 && status <= 299 ? 'success' : 'failed';
  else kind = isErrorFlag(envelope) || effective >= 300 ? 'failed' : 'success';
  const retryAfterMs =
    effective === 429 || effective === 503 ? parseRetryAfter(retryAfter, now) : undefined;
  return { kind, status: effective, envelope, retryAfterMs };
}

// Where a response keeps its verdict: read once per answer, however many steps ask.
const VERDICT = Symbol('zumRailsVerdict');

/**
 * The verdict on an axios response, read once and kept on it: the envelope check, the client
 * and the retry decision of one answer share it.
 */
export function verdictOf(response: AxiosResponse): AnswerVerdict {
  const holder = response as AxiosResponse & { [VERDICT]?: AnswerVerdict };
  let verdict = holder[VERDICT];
  if (verdict === undefined) {
    const retryAfter: unknown = response.headers?.['retry-after'];
    verdict = readAnswer(response.status, response.data, retryAfter, Date.now());
    Object.defineProperty(holder, VERDICT, { value: verdict });
  }
  return verdict;
}

/** The body as an envelope: a plain JSON object (parsed from a string if needed) with `isError`. */
export function readEnvelope(data: unknown): EnvelopeWire | undefined {
  let value = data;
  // responseType 'arraybuffer' must not change what an answer means (capped by maxContentLength);
  // bytes that cannot be a JSON object (no `{` after whitespace) read as ''.
  if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) data = jsonTextOfBytes(data);
  if (typeof data === 'string') {
    if (!data.trimStart().startsWith('{')) return undefined;
    try {
      value = JSON.parse(data) as unknown;
    } catch {
      return undefined;
    }
  }
  return isPlainObject(value) && Object.hasOwn(value, 'isError')
    ? (value as EnvelopeWire)
    : undefined;
}

function jsonTextOfBytes(bytes: ArrayBufferView | ArrayBuffer): string {
  const buffer = ArrayBuffer.isView(bytes)
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : Buffer.from(bytes);
  return /^\s*\{/.test(buffer.toString('latin1', 0, 64)) ? buffer.toString('utf8') : '';
}

/** Whether `value` is an object made by JSON.parse or a literal (not an array, Buffer or stream). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `isError` other than `false` (`true`, `"true"`, `1`...) is a failure; absent is not. */
function isErrorFlag(envelope: EnvelopeWire): boolean {
  return envelope.isError !== undefined && (envelope.isError as unknown) !== false;
}

/** The HTTP status when an error, else an envelope's failing `statusCode` (>= 400) whatever `isError` says. */
function effectiveStatus(httpStatus: number, envelope: EnvelopeWire | undefined): number {
  if (httpStatus >= 400 || !envelope) return httpStatus;
  const code = Number(envelope.statusCode);
  return Number.isInteger(code) && code >= 400 ? code : httpStatus;
}

/** Whether `value` is an RFC 6750 `b64token` (a JWT fits), sendable as `Bearer <value>`. */
export function isBearerToken(value: string): boolean {
  return /^[A-Za-z0-9\-._~+/]+=*$/.test(value);
}

/** A `Retry-After` date further than this from now is absurd (a broken clock or a hostile value). */
const MAX_RETRY_AFTER_DATE_SKEW_MS = 24 * 60 * 60_000;
const HTTP_DATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * `Retry-After` in ms: delay-seconds (digits only) or an HTTP date (IMF-fixdate) within a day
 * of `now` (a date already past means 0). Anything else (`-1`, `1.5`, garbage, a date in 1970
 * or 9999) is invalid and counts as absent: undefined. Not capped here (see `maxRetryAfterMs`).
 */
export function parseRetryAfter(header: unknown, now: number): number | undefined {
  if (typeof header !== 'string') return undefined;
  const value = header.trim();
  if (/^\d{1,12}$/.test(value)) return Number(value) * 1000;
  if (!HTTP_DATE.test(value)) return undefined;
  const wait = Date.parse(value) - now;
  // Also false for NaN (a date of the right shape that does not exist).
  if (!(Math.abs(wait) <= MAX_RETRY_AFTER_DATE_SKEW_MS)) return undefined;
  return Math.max(0, wait);
}

/** What a failed envelope says: `statusCode`, vendor text and `traceId`, redacted (text cut). */
export interface EnvelopeFailure {
  readonly statusCode: number | undefined;
  readonly vendorText: string | undefined;
  readonly traceId: string | undefined;
}

/**
 * The failure an envelope reports. Vendor text, first found: `responseException.exceptionMessage`
 * (a string, or an RFC 7807-like object's `title: detail`), `message`, the object's `title`.
 * Redacted before it is cut, so no partial secret survives the cut.
 */
export function describeFailure(envelope: EnvelopeWire, redaction: Redaction): EnvelopeFailure {
  const exception = envelope.responseException?.exceptionMessage;
  const problem = isPlainObject(exception) ? exception : undefined;
  const text =
    (typeof exception === 'string' ? textOf(exception) : undefined) ??
    problemText(problem) ??
    textOf(envelope.message) ??
    textOf(problem?.title);
  const traceId = textOf(problem?.traceId) ?? textOf((envelope as { traceId?: unknown }).traceId);
  return {
    statusCode: typeof envelope.statusCode === 'number' ? envelope.statusCode : undefined,
    vendorText: text === undefined ? undefined : cutVendorText(redaction.text(text)),
    traceId: traceId === undefined ? undefined : redaction.text(traceId),
  };
}

function problemText(problem: Record<string, unknown> | undefined): string | undefined {
  const title = textOf(problem?.title);
  const detail = textOf(problem?.detail);
  if (detail === undefined) return undefined; // a title alone is generic ("Bad Request")
  return title && title !== detail ? `${title}: ${detail}` : detail;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Longest vendor text copied into a message, status or log: no huge error from a huge answer. */
const MAX_VENDOR_TEXT_CHARS = 300;

function cutVendorText(text: string): string {
  if (text.length <= MAX_VENDOR_TEXT_CHARS) return text;
  const cut = text.length - MAX_VENDOR_TEXT_CHARS;
  return `${text.slice(0, MAX_VENDOR_TEXT_CHARS)}… [${cut} more characters cut]`;
}

/** What a body that is no envelope looks like; the content type is the server's, so redacted. */
function describeBody(response: RawResponse, redaction: Redaction): string {
  const type = redaction.text(response.headers.get('content-type') ?? 'no content type');
  if (response.body.trim() === '') return `empty body (HTTP ${response.status})`;
  if (type.includes('html')) {
    return `HTML instead of JSON (HTTP ${response.status}), probably from a proxy`;
  }
  return `body is not a JSON envelope (HTTP ${response.status}, ${type})`;
}

/** Longest token accepted: a longer one would make every API call fail with HTTP 431. */
const MAX_TOKEN_CHARS = 8 * 1024;
// Zum Rails blocks an IP for 5 minutes after a quota breach: the wait without Retry-After.
const DEFAULT_RATE_LIMIT_WAIT_MS = 5 * 60_000;

/** What the login said about the API user (a `ZumRailsSession` without its times). */
export type LoginSession = Partial<Record<(typeof SESSION_FIELDS)[number], string>>;
const SESSION_FIELDS = ['role', 'customerId', 'companyName', 'customerType', 'username'] as const;

/** A successful login: the token and the API user. */
export type LoginResult = { token: string; session: LoginSession };

/**
 * An answer of `POST /api/authorize` as a login (`result.Token` checked) or a typed error. Every
 * string taken from the answer is redacted (the vendor may echo the password, in any encoding).
 */
export function readLoginResponse(
  response: RawResponse,
  now: number,
  redaction: Redaction,
  capWait: (ms: number) => number,
): LoginResult {
  const verdict = verdictOfRaw(response, now);
  if (verdict.kind !== 'success' || !verdict.envelope) {
    throw authError(verdict, response, redaction, 'login', capWait);
  }
  const result = (verdict.envelope.result ?? undefined) as Record<string, unknown> | undefined;
  const token = result?.Token;
  const problem =
    typeof token !== 'string' || token.trim() === ''
      ? 'login succeeded but result.Token is missing'
      : token.length > MAX_TOKEN_CHARS
        ? `result.Token is ${token.length} characters long (at most ${MAX_TOKEN_CHARS} accepted)`
        : isBearerToken(token)
          ? undefined
          : 'result.Token has characters a bearer token cannot have (whitespace, control or non-ASCII characters)';
  if (problem !== undefined) throw new ZumRailsBadResponseError(problem, response.status);
  const session: LoginSession = {};
  for (const field of SESSION_FIELDS) {
    const value = result?.[field[0]!.toUpperCase() + field.slice(1)];
    if (typeof value === 'string') session[field] = redaction.text(value);
  }
  return { token: token as string, session };
}

/**
 * How a cancel ended: `cancelled` (Zum Rails confirmed), or `already-invalid` (Zum Rails said
 * 401: the token was expired, cancelled or unknown already, as dead as a cancel would make it).
 */
export type CancelOutcome = 'cancelled' | 'already-invalid';

/**
 * An answer of `PATCH /api/authorize/canceltoken`. A 401 envelope here is about the token, never
 * about the credentials, and no error (the token is dead either way). `redaction` knows the
 * token being cancelled: the vendor may echo the bearer it received.
 * @throws ZumRailsRateLimitedError (429), ZumRailsUnavailableError (5xx/408),
 *   ZumRailsBlockedByIntermediaryError (a 401/403 page), ZumRailsBadResponseError (the rest).
 */
export function readCancelResponse(
  response: RawResponse,
  now: number,
  redaction: Redaction,
): CancelOutcome {
  const verdict = verdictOfRaw(response, now);
  if (verdict.kind === 'rejected' && verdict.status === 401) return 'already-invalid';
  const page = verdict.kind === 'success' && !verdict.envelope && response.body.trim() !== '';
  if (verdict.kind === 'success' && !page) return 'cancelled';
  const failed = verdict.kind === 'rejected' ? { ...verdict, kind: 'failed' as const } : verdict;
  throw authError(failed, response, redaction, 'canceltoken', (ms) => ms);
}

function verdictOfRaw(response: RawResponse, now: number): AnswerVerdict {
  return readAnswer(response.status, response.body, response.headers.get('retry-after'), now);
}

/** The typed error of an auth answer that is no usable envelope (`what`: login or canceltoken). */
function authError(
  verdict: AnswerVerdict,
  response: RawResponse,
  redaction: Redaction,
  what: 'login' | 'canceltoken',
  capWait: (ms: number) => number,
): ZumRailsError {
  const { status, envelope } = verdict;
  const detail = envelope ? describeFailure(envelope, redaction).vendorText : undefined;
  const suffix = detail ? ` (${detail})` : '';
  const body = () => describeBody(response, redaction);
  switch (verdict.kind) {
    case 'rejected':
      return new ZumRailsCredentialsRejectedError(status, detail);
    case 'blocked':
      return new ZumRailsBlockedByIntermediaryError(
        status,
        // The body of a 407 may echo the proxy credentials: never described.
        status === 407
          ? 'the proxy requires authentication (Proxy Authentication Required): check the ' +
              'credentials of transport.proxy or of the proxy URL'
          : body(),
      );
    case 'rate-limited':
      return new ZumRailsRateLimitedError(
        capWait(verdict.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS),
      );
    case 'transient':
      return new ZumRailsUnavailableError(
        (what === 'login' ? '' : 'could not cancel the token: ') +
          (envelope ? `HTTP ${status}${suffix}` : body()),
        response.status,
        verdict.retryAfterMs === undefined ? undefined : capWait(verdict.retryAfterMs),
      );
    default: {
      if (!envelope) {
        return new ZumRailsBadResponseError(
          what === 'login' ? body() : `canceltoken answered ${body()}`,
          response.status,
        );
      }
      const text =
        what === 'login'
          ? `isError with statusCode ${status}${detail ? `: ${detail}` : ''}`
          : `canceltoken answered HTTP ${status}${suffix}`;
      return new ZumRailsBadResponseError(text, response.status);
    }
  }
}
