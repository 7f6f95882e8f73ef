import {
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { describeEnvelopeError, parseEnvelope } from '../token/zumrails-envelope.js';

/** Request headers that carry credentials; never kept on an error. */
const SECRET_HEADERS = ['Authorization', 'Proxy-Authorization', 'Cookie'] as const;
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;
const REDACTED = '[REDACTED]';

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
   * @param token the bearer this request carried, redacted from the message if it appears there.
   */
  constructor(source: AxiosError<T>, token?: string) {
    const config = scrubConfig(source.config);
    const message = token ? source.message.split(token).join(REDACTED) : source.message;
    super(message, source.code, config, undefined, scrubResponse(source.response, config));
    this.name = 'ZumRailsHttpError';
    this.method = (config?.method ?? 'get').toUpperCase();
    this.url = fullUrl(config);
    if (source.status !== undefined && this.status === undefined) this.status = source.status;
    const envelope = parseEnvelope(source.response?.data);
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

/** A reduced copy of the request config without credentials or body. */
function scrubConfig(
  config: InternalAxiosRequestConfig | undefined,
): InternalAxiosRequestConfig | undefined {
  if (!config) return undefined;
  const headers = new AxiosHeaders(config.headers);
  for (const name of SECRET_HEADERS) headers.delete(name);
  return {
    method: config.method,
    url: config.url,
    baseURL: config.baseURL,
    params: config.params as unknown,
    timeout: config.timeout,
    zumRailsAuth: config.zumRailsAuth,
    headers,
  };
}

function scrubResponse<T>(
  response: AxiosResponse<T> | undefined,
  config: InternalAxiosRequestConfig | undefined,
): AxiosResponse<T> | undefined {
  if (!response) return undefined;
  const { status, statusText, headers, data } = response;
  return { status, statusText, headers, data, config: config ?? { headers: new AxiosHeaders() } };
}

function fullUrl(config: InternalAxiosRequestConfig | undefined): string {
  const url = config?.url ?? '';
  const base = config?.baseURL;
  if (!base || ABSOLUTE_URL.test(url)) return url;
  if (url === '') return base;
  return `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}
