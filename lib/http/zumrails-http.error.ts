import {
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { describeEnvelopeError, readEnvelope } from '../util/zumrails-envelope.js';
import { Redaction, type SecretRedactor } from '../util/redact.js';

/** Request headers that carry credentials; never kept on an error. */
const SECRET_HEADERS = ['Authorization', 'Proxy-Authorization', 'Cookie'] as const;
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;
/** axios' own message for an answer that failed `validateStatus`: nothing of the server in it. */
const AXIOS_STATUS_MESSAGE = /^Request failed with status code \d{3}$/;
/** Errors whose message the library wrote itself (vendor text in it already redacted). */
const OWN_MESSAGES = new WeakSet<object>();

/** Marks `source` as carrying a message the library composed: kept as it is, never redacted. */
export function withOwnMessage<E extends object>(source: E): E {
  OWN_MESSAGES.add(source);
  return source;
}

/**
 * What a call through `ZumRailsHttpService` (or an instance given to `attachZumRailsAuth`)
 * rejects with instead of the raw `AxiosError`, which carries the bearer token in
 * `config.headers` and in the raw request (`request._header`).
 *
 * It is a sanitised `AxiosError`: `axios.isAxiosError(err)` is true and the fields callers rely
 * on are kept (`status`, `code`, `message`, `response.status`, `response.statusText`,
 * `response.headers`, `response.data` with the Zum Rails envelope). What is dropped:
 * `request` (the socket-level request), `cause`, and from `config` everything but `method`,
 * `url`, `baseURL`, `params`, `timeout`, `zumRailsAuth` and the headers minus `Authorization`,
 * `Proxy-Authorization` and `Cookie`. The request body is not kept either (it may hold
 * banking details). `axios.isCancel(err)` still answers true for a cancelled request.
 *
 * Every string it keeps from the server (`zumRailsMessage`, `exceptionMessage`, `statusText`,
 * response headers and `response.data`, walked to a bounded depth, a transport message) and
 * the request's query, params and remaining headers have the module's secrets, in any form the
 * server may echo them (raw, JSON-escaped, URL-encoded, Base64), replaced by `[REDACTED]`.
 * The library's own words, the method and the path are never redacted.
 *
 * `JSON.stringify(err)` gives a compact, secret-free summary (see {@link ZumRailsHttpError.toJSON}).
 */
export class ZumRailsHttpError<T = unknown> extends AxiosError<T> {
  /** HTTP method in upper case, e.g. `POST`. */
  readonly method: string;
  /** The URL called: `baseURL` joined with the request `url` (params not appended). */
  readonly url: string;
  /**
   * The vendor's error text from `responseException.exceptionMessage` (a string, or the
   * `title` of an RFC 7807-like object), else the envelope `message`; undefined without an envelope.
   */
  readonly zumRailsMessage?: string;
  /** `responseException.exceptionMessage` as Zum Rails sent it: a string or an object (`title`, `status`, `traceId`). */
  readonly exceptionMessage?: string | Record<string, unknown>;

  /**
   * @param source the error axios produced; read, never kept.
   * @param token the bearer this request carried; redacted wherever it appears.
   * @param redactor the module's secrets; default: those of the module whose interceptor
   *   handled the request, when there was one.
   */
  constructor(source: AxiosError<T>, token?: string, redactor?: SecretRedactor) {
    const secrets = redactor ?? source.config?.zumRailsSecrets;
    const redaction = secrets ? secrets.with([token]) : new Redaction(token ? [token] : []);
    const config = scrubConfig(source.config, redaction);
    // Only the server's words are redacted, never the library's: with the password `code`,
    // "Request failed with status code 500" stays whole. A transport message may quote the
    // server (a certificate's names), so it is redacted.
    const own = OWN_MESSAGES.has(source) || AXIOS_STATUS_MESSAGE.test(source.message);
    const message = own ? source.message : redaction.text(source.message);
    const response = scrubResponse(source.response, config, redaction);
    super(message, source.code, config, undefined, response);
    this.name = 'ZumRailsHttpError';
    this.method = (config?.method ?? 'get').toUpperCase();
    this.url = fullUrl(config);
    if (source.status !== undefined && this.status === undefined) this.status = source.status;
    const envelope = readEnvelope(response?.data);
    if (envelope) {
      this.zumRailsMessage = describeEnvelopeError(envelope);
      this.exceptionMessage = envelope.responseException?.exceptionMessage;
    }
    if ((source as { __CANCEL__?: unknown }).__CANCEL__ === true) {
      Object.defineProperty(this, '__CANCEL__', { value: true });
    }
  }
}

Object.defineProperty(ZumRailsHttpError.prototype, 'toJSON', {
  /** Secret-free summary for logs: no config, no headers, no stack, no body. */
  value(this: ZumRailsHttpError): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      status: this.status,
      method: this.method,
      url: this.url,
      zumRailsMessage: this.zumRailsMessage,
      exceptionMessage: this.exceptionMessage,
    };
  },
  writable: true,
  configurable: true,
});

/** A reduced, redacted copy of the request config without credentials or body. */
function scrubConfig(
  config: InternalAxiosRequestConfig | undefined,
  redaction: Redaction,
): InternalAxiosRequestConfig | undefined {
  if (!config) return undefined;
  const headers = scrubHeaders(config.headers, redaction);
  for (const name of SECRET_HEADERS) headers.delete(name);
  return {
    method: config.method,
    url: config.url === undefined ? undefined : withRedactedQuery(config.url, redaction),
    baseURL: config.baseURL,
    params: redaction.value(config.params as unknown),
    timeout: config.timeout,
    zumRailsAuth: config.zumRailsAuth,
    headers,
  };
}

function scrubResponse<T>(
  response: AxiosResponse<T> | undefined,
  config: InternalAxiosRequestConfig | undefined,
  redaction: Redaction,
): AxiosResponse<T> | undefined {
  if (!response) return undefined;
  return {
    status: response.status,
    statusText: optionalText(response.statusText, redaction) as string,
    headers: scrubHeaders(response.headers, redaction),
    data: redaction.value(response.data),
    config: config ?? { headers: new AxiosHeaders() },
  };
}

/** A copy of `headers` with every value redacted (a server may echo a secret in any header). */
function scrubHeaders(headers: unknown, redaction: Redaction): AxiosHeaders {
  const copy = new AxiosHeaders();
  const source = AxiosHeaders.from(headers as ConstructorParameters<typeof AxiosHeaders>[0]);
  for (const [name, value] of Object.entries(source.toJSON())) {
    copy.set(redaction.text(name), redaction.value(value));
  }
  return copy;
}

/**
 * The app's request URL with its query redacted (values, like `params`); the path is the app's
 * own and stays whole, so `/api/transfer` never becomes `/api/[REDACTED]` when that is the password.
 */
function withRedactedQuery(url: string, redaction: Redaction): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query + 1) + redaction.text(url.slice(query + 1));
}

function optionalText(text: string | undefined, redaction: Redaction): string | undefined {
  return typeof text === 'string' ? redaction.text(text) : text;
}

/** `baseURL` joined with the request `url` the way axios joins them (params not appended). */
export function fullUrl(config: InternalAxiosRequestConfig | undefined): string {
  const url = config?.url ?? '';
  const base = config?.baseURL;
  if (!base || ABSOLUTE_URL.test(url)) return url;
  if (url === '') return base;
  return `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}
