import type { Redaction } from './redact.js';

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

/** Zum Rails blocks an IP for 5 minutes after a quota breach; wait that long without Retry-After. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 5 * 60_000;
/** Longest vendor text (error message, page excerpt) copied into a message, status or log. */
const MAX_VENDOR_TEXT_CHARS = 300;

/** Parses a body as a Zum Rails envelope; undefined when it is not a JSON object. */
export function parseEnvelope(body: unknown): EnvelopeWire | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as EnvelopeWire)
    : undefined;
}

/** The vendor's human-readable error text, whether `exceptionMessage` is a string or an object. */
export function describeEnvelopeError(envelope: EnvelopeWire): string | undefined {
  const exception = envelope.responseException?.exceptionMessage;
  if (typeof exception === 'string') return exception;
  if (exception && typeof exception.title === 'string') return exception.title;
  return typeof envelope.message === 'string' ? envelope.message : undefined;
}

/** `isError` other than `false` (`true`, `"true"`, `1`...) is a failure; absent is not. */
export function isErrorFlag(envelope: EnvelopeWire): boolean {
  const flag: unknown = envelope.isError;
  return flag !== undefined && flag !== false;
}

/** HTTP status when it is an error; otherwise the envelope's own statusCode when it reports one. */
export function effectiveStatus(httpStatus: number, envelope: EnvelopeWire | undefined): number {
  if (httpStatus >= 400 || !envelope) return httpStatus;
  const code = Number(envelope.statusCode);
  return isErrorFlag(envelope) && Number.isInteger(code) && code >= 400 ? code : httpStatus;
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

/** `Retry-After` as seconds or an HTTP date; the vendor's 5-minute block when absent. */
export function retryAfterMs(header: string | undefined, now: number): number {
  if (!header) return DEFAULT_RATE_LIMIT_WAIT_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? DEFAULT_RATE_LIMIT_WAIT_MS : Math.max(0, date - now);
}
