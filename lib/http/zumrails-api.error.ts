import { AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { Redaction, type SecretRedactor } from '../util/redact.js';
import { describeFailure, readEnvelope, type EnvelopeFailure } from '../util/zumrails-envelope.js';
import { fullUrl, withOwnMessage, ZumRailsHttpError } from './zumrails-http.error.js';

/** `code` of a ZumRailsApiError built from a 2xx answer whose envelope reports an error. */
const API_ERROR_CODE = 'ERR_ZUMRAILS_API';
/** Longest vendor text copied into an error message. */
const MAX_VENDOR_TEXT = 300;

/**
 * Zum Rails answered with an error envelope: `isError` other than `false` on a 2xx answer (the
 * vendor sends `isError: true` with HTTP 200 for some failures, e.g. "Insufficient funds"), or
 * any envelope on a 4xx/5xx answer. A {@link ZumRailsHttpError} (so an `AxiosError`), equally
 * secret-free, whose `message` reads `Zum Rails 400 on POST /api/transaction: Insufficient funds`.
 *
 * `status` is the HTTP status (200 for an `isError` answer), `statusCode` the envelope's (the
 * HTTP status when the envelope has none), `zumRailsMessage` the vendor text (cut short),
 * `traceId` the vendor's trace id when it sent one. Opt out per request with
 * `zumRailsEnvelope: false` to get such answers raw.
 */
export class ZumRailsApiError<T = unknown> extends ZumRailsHttpError<T> {
  /** The envelope's `statusCode`, else the HTTP status. */
  readonly statusCode: number;
  /** The request path without base URL or query, e.g. `/api/transaction`. */
  readonly path: string;
  /** The vendor's trace id (`responseException.exceptionMessage.traceId`), when present. */
  readonly traceId?: string;

  /**
   * @param source the error axios produced, or one built from the 2xx answer; read, never kept.
   * @param failure what the envelope says (see `describeFailure`).
   * @param token the bearer this request carried; redacted wherever it appears.
   * @param redactor the module's secrets; default: those of the module whose interceptor
   *   handled the request.
   */
  constructor(
    source: AxiosError<T>,
    failure: EnvelopeFailure,
    token?: string,
    redactor?: SecretRedactor,
  ) {
    const secrets = redactor ?? source.config?.zumRailsSecrets;
    const redaction = secrets ? secrets.with([token]) : new Redaction(token ? [token] : []);
    const statusCode = failure.statusCode ?? source.response?.status ?? 0;
    const method = (source.config?.method ?? 'get').toUpperCase();
    const path = requestPath(source.config);
    // Only the vendor's text is redacted (before it is cut, so no partial secret survives the
    // cut); the library's words, the method and the path are its own.
    const text = failure.fromVendor ? cut(redaction.text(failure.text)) : failure.text;
    const message = `Zum Rails ${statusCode} on ${method} ${path}: ${text}`;
    super(
      withOwnMessage(
        new AxiosError(message, source.code, source.config, undefined, source.response),
      ),
      token,
      secrets,
    );
    this.name = 'ZumRailsApiError';
    this.statusCode = statusCode;
    this.path = path;
    if (failure.traceId !== undefined) this.traceId = redaction.text(failure.traceId);
    Object.defineProperty(this, 'zumRailsMessage', {
      value: text,
      enumerable: true,
      configurable: true,
    });
  }
}

Object.defineProperty(ZumRailsApiError.prototype, 'toJSON', {
  /** The ZumRailsHttpError summary plus `statusCode`, `path` and `traceId`. */
  value(this: ZumRailsApiError): Record<string, unknown> {
    const base = ZumRailsHttpError.prototype.toJSON as (this: ZumRailsHttpError) => object;
    return {
      ...base.call(this),
      statusCode: this.statusCode,
      path: this.path,
      traceId: this.traceId,
    };
  },
  writable: true,
  configurable: true,
});

/** The ZumRailsApiError for a 2xx `response` whose body is not a successful envelope. */
export function apiErrorFromResponse(
  response: AxiosResponse,
  token?: string,
  redactor?: SecretRedactor,
): ZumRailsApiError {
  const source = new AxiosError('', API_ERROR_CODE, response.config, undefined, response);
  return new ZumRailsApiError(
    source,
    describeFailure(readEnvelope(response.data)),
    token,
    redactor,
  );
}

/**
 * The secret-free error for an `AxiosError`: a ZumRailsApiError when the answer carries a Zum
 * Rails envelope (unless the request opted out with `zumRailsEnvelope: false`), else a
 * ZumRailsHttpError (no answer, HTML from a proxy, an empty body, ...).
 */
export function toZumRailsError(
  error: AxiosError,
  token?: string,
  redactor?: SecretRedactor,
): ZumRailsHttpError {
  const envelope =
    error.response && error.config?.zumRailsEnvelope !== false
      ? readEnvelope(error.response.data)
      : undefined;
  return envelope
    ? new ZumRailsApiError(error, describeFailure(envelope), token, redactor)
    : new ZumRailsHttpError(error, token, redactor);
}

function cut(text: string): string {
  return text.length <= MAX_VENDOR_TEXT ? text : `${text.slice(0, MAX_VENDOR_TEXT)}…`;
}

/** The path of the request URL, without origin or query (never credentials of the URL). */
export function requestPath(config: InternalAxiosRequestConfig | undefined): string {
  const url = fullUrl(config);
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}
