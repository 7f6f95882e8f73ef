import type { Redaction } from './redact.js';

/*
 * The one reading of a Zum Rails answer (login, cancel, API calls, the retry decision): who
 * answered (a Zum Rails envelope, or a page from something in front of it), and what the answer
 * means (`readAnswer`). Every caller maps the verdict to its own error type; none reads the
 * status or the body again.
 */

/**
 * A Zum Rails envelope as it may arrive: every field optional, since a hostile or broken
 * answer need not have any (the public, documented shape is `ZumRailsEnvelope`).
 */
export interface EnvelopeWire<TResult = unknown> {
  statusCode?: number;
  message?: string;
  isError?: boolean;
  result?: TResult;
  responseException?: { exceptionMessage?: string | Record<string, unknown> };
}

/** A raw HTTP answer, as the transport saw it. */
export interface RawResponse {
  status: number;
  body: string;
  headers: { get(name: string): string | undefined };
}

/**
 * What an answer means, whoever sent it:
 * - `success`: a 2xx that is no failure (`envelope` undefined when the body is no envelope);
 * - `rejected`: Zum Rails itself said 401/403 (only an envelope can reject credentials);
 * - `blocked`: a 401/403 page that is no envelope: an intermediary (WAF, proxy) refused; and a
 *   407, which only a proxy sends (it wants its own credentials);
 * - `rate-limited`: 429, from Zum Rails or anything in front of it;
 * - `transient`: 5xx or 408, from Zum Rails or an edge page (502/503/504 of a gateway):
 *   worth waiting through, like a network error;
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
  const verdict = (kind: AnswerKind): AnswerVerdict => ({
    kind,
    status: effective,
    envelope,
    retryAfterMs:
      effective === 429 || effective === 503 ? parseRetryAfter(retryAfter, now) : undefined,
  });
  if (effective === 429) return verdict('rate-limited');
  if (status === 407) return verdict('blocked');
  if (effective >= 500 || effective === 408) return verdict('transient');
  if (effective === 401 || effective === 403) return verdict(envelope ? 'rejected' : 'blocked');
  if (!envelope) return verdict(status >= 200 && status <= 299 ? 'success' : 'failed');
  return verdict(isErrorFlag(envelope) || effective >= 300 ? 'failed' : 'success');
}

/**
 * The body as a Zum Rails envelope: a plain JSON object (parsed from a string if needed) with
 * an `isError` field, as every Zum Rails answer has. Undefined for anything else (other JSON,
 * arrays, buffers, streams, HTML, empty bodies).
 */
export function readEnvelope(data: unknown): EnvelopeWire | undefined {
  let value = data;
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

/** Whether `value` is an object made by JSON.parse or a literal (not an array, Buffer or stream). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `isError` other than `false` (`true`, `"true"`, `1`...) is a failure; absent is not. */
export function isErrorFlag(envelope: EnvelopeWire): boolean {
  const flag: unknown = envelope.isError;
  return flag !== undefined && flag !== false;
}

/**
 * The HTTP status when it is an error; otherwise the envelope's own `statusCode` when it
 * reports one (>= 400), whatever `isError` says: `isError: false` with `statusCode: 500` is
 * no success.
 */
function effectiveStatus(httpStatus: number, envelope: EnvelopeWire | undefined): number {
  if (httpStatus >= 400 || !envelope) return httpStatus;
  const code = Number(envelope.statusCode);
  return Number.isInteger(code) && code >= 400 ? code : httpStatus;
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

/** What a failed Zum Rails envelope says, read once into plain fields. */
export interface EnvelopeFailure {
  /** The envelope's `statusCode`, when it is a number. */
  readonly statusCode: number | undefined;
  /** The vendor's text as sent (not cut yet); a description of the body when it has none. */
  readonly text: string;
  /** Whether `text` is the vendor's (to redact) rather than the library's description. */
  readonly fromVendor: boolean;
  /** `traceId` of an RFC 7807-like `exceptionMessage` (or of the envelope), when present. */
  readonly traceId: string | undefined;
}

/**
 * The failure an envelope reports. Vendor text, first found: `responseException.exceptionMessage`
 * as a string; `title: detail` of an RFC 7807-like object that has a `detail`; the envelope
 * `message`; the object's `title` (usually generic, e.g. `Bad Request`).
 */
export function describeFailure(envelope: EnvelopeWire | undefined): EnvelopeFailure {
  if (envelope === undefined) {
    return {
      statusCode: undefined,
      text: 'the answer is not a Zum Rails envelope',
      fromVendor: false,
      traceId: undefined,
    };
  }
  const exception = envelope.responseException?.exceptionMessage;
  const problem = isPlainObject(exception) ? exception : undefined;
  const vendorText =
    (typeof exception === 'string' ? exception : undefined) ??
    problemText(problem) ??
    textOf(envelope.message) ??
    textOf(problem?.title);
  return {
    statusCode: typeof envelope.statusCode === 'number' ? envelope.statusCode : undefined,
    text:
      vendorText ??
      (envelope.isError === true ? 'isError: true' : 'the envelope does not say isError: false'),
    fromVendor: vendorText !== undefined,
    traceId: textOf(problem?.traceId) ?? textOf((envelope as { traceId?: unknown }).traceId),
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

/** Longest vendor text (error message, page excerpt) copied into a message, status or log. */
const MAX_VENDOR_TEXT_CHARS = 300;

/** The vendor's human-readable error text, whether `exceptionMessage` is a string or an object. */
export function describeEnvelopeError(envelope: EnvelopeWire): string | undefined {
  const exception = envelope.responseException?.exceptionMessage;
  if (typeof exception === 'string') return exception;
  if (exception && typeof exception.title === 'string') return exception.title;
  return typeof envelope.message === 'string' ? envelope.message : undefined;
}

/** The vendor's error text from the envelope, redacted (every string in it), then cut short. */
export function vendorDetail(
  envelope: EnvelopeWire | undefined,
  redaction: Redaction,
): string | undefined {
  const text = envelope ? describeEnvelopeError(redaction.value(envelope)) : undefined;
  return text === undefined ? undefined : cutVendorText(text);
}

/**
 * Cuts text that came from the network to at most `max` characters (plus a marker saying how
 * much was dropped), so a huge `exceptionMessage` never becomes a huge error, status or log line.
 */
function cutVendorText(text: string, max = MAX_VENDOR_TEXT_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [${text.length - max} more characters cut]`;
}

/** What a body that is no envelope looks like; the content type is the server's, so redacted. */
export function describeBody(response: RawResponse, redaction: Redaction): string {
  const type = redaction.text(response.headers.get('content-type') ?? 'no content type');
  if (response.body.trim() === '') return `empty body (HTTP ${response.status})`;
  if (type.includes('html'))
    return `HTML instead of JSON (HTTP ${response.status}), probably from a proxy`;
  return `body is not a JSON envelope (HTTP ${response.status}, ${type})`;
}
