import type { EnvelopeWire } from '../util/zumrails-envelope.js';

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
