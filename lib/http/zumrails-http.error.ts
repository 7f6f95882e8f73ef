import {
  AxiosError,
  AxiosHeaders,
  isCancel,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { ZumRailsError, type ZumRailsErrorCode } from '../errors/zumrails.errors.js';
import { describeFailure, verdictOf, type AnswerVerdict } from '../protocol/zumrails-protocol.js';
import { Redaction, type SecretRedactor } from '../util/redact.js';

/*
 * An API call's failure (an AxiosError, or a 2xx answer whose verdict is no success) as a
 * secret-free ZumRailsHttpError: the answer's one verdict decides the code, the HTTP facts are
 * fields, the AxiosError survives only as a scrubbed, non-enumerable `cause`.
 */

/**
 * A call through `ZumRailsHttpService`, `ZumRailsClient` or an instance given to
 * `attachZumRailsAuth` failed: `code` is `unavailable`, `rate-limited`, `bad-response`,
 * `blocked-by-intermediary`, `api-error` (see {@link ZumRailsApiError}), `cancelled`,
 * `invalid-request` or `internal`. `method` and `path` name the call, `status` the HTTP answer
 * when there was one. The axios error is only the scrubbed, non-enumerable `cause` (its `code`,
 * e.g. `ECONNREFUSED`, and `response` with the redacted body and headers).
 */
export class ZumRailsHttpError extends ZumRailsError {
  declare readonly method: string;
  declare readonly path: string;
}

/**
 * Code `api-error`: Zum Rails refused an API call with an error envelope (`isError` other than
 * `false`, also with HTTP 200, e.g. "Insufficient funds"; a 4xx; a 500). `message` reads
 * `Zum Rails 400 on POST /api/transaction: Insufficient funds`; `vendorMessage` is the vendor
 * text, `statusCode` the envelope's, `traceId` the vendor's when sent. Opt out per request with
 * `zumRailsEnvelope: false` to get such answers raw.
 */
export class ZumRailsApiError extends ZumRailsHttpError {
  declare readonly statusCode: number;
  declare readonly vendorMessage: string;
}

/** Request headers that carry credentials; never kept on an error. */
const SECRET_HEADERS = ['Authorization', 'Proxy-Authorization', 'Cookie'] as const;
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;
/** Longest wait an error reports, in ms: the vendor blocks an IP for 5 minutes. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;
/** axios' own message for an answer that failed `validateStatus`: nothing of the server in it. */
const AXIOS_STATUS_MESSAGE = /^Request failed with status code \d{3}$/;
/** axios codes of a request never sent as given, and of an answer too big or redirected too often. */
const INVALID_REQUEST =
  /^ERR_(BAD_OPTION(_VALUE)?|INVALID_URL|NOT_SUPPORT|FR_MAX_BODY_LENGTH_EXCEEDED)$/;
const BAD_RESPONSE = /^ERR_(BAD_RESPONSE|FR_TOO_MANY_REDIRECTS)$/;
const BEARER = 'Bearer ';

/**
 * The response interceptor's success side: a 2xx answer passes when its verdict is a success
 * (no envelope at all, e.g. an empty body, a stream, HTML; or one that says `isError: false`
 * without a failing `statusCode`), else rejects with a `ZumRailsApiError`. Answers of requests
 * with `zumRailsEnvelope: false`, and non-2xx answers a custom `validateStatus` lets through, pass.
 */
export function checkEnvelope(response: AxiosResponse): AxiosResponse {
  const config = response.config;
  if (config.zumRailsEnvelope === false || response.status < 200 || response.status > 299) {
    return response;
  }
  if (verdictOf(response).kind === 'success') return response;
  throw apiErrorFromResponse(response, carriedToken(config));
}

/** The token in this request's `Authorization: Bearer` header, if any. */
export function carriedToken(config: InternalAxiosRequestConfig): string | undefined {
  const value = config.headers?.get('Authorization');
  return typeof value === 'string' && value.startsWith(BEARER)
    ? value.slice(BEARER.length)
    : undefined;
}

/**
 * The secret-free error for an `AxiosError` of an API call: a ZumRailsApiError when the answer
 * is an envelope (unless the request opted out with `zumRailsEnvelope: false`), else a
 * ZumRailsHttpError. `token`, the bearer it carried, and `redactor`'s secrets are redacted.
 */
export function toZumRailsError(
  error: AxiosError,
  token?: string,
  redactor?: SecretRedactor,
): ZumRailsHttpError {
  const verdict = error.response ? verdictOf(error.response) : undefined;
  return httpError(error, verdict, token, redactor, 'axios');
}

/** The error of a 2xx `response` whose verdict is no success (or that has no `result`). */
export function apiErrorFromResponse(
  response: AxiosResponse,
  token?: string,
  redactor?: SecretRedactor,
): ZumRailsHttpError {
  const source = new AxiosError('', 'ERR_ZUMRAILS_API', response.config, undefined, response);
  return httpError(source, verdictOf(response), token, redactor, 'answer');
}

/** The `invalid-request` error of a request refused before it was sent. */
export function invalidRequestError(
  message: string,
  config: InternalAxiosRequestConfig,
  redactor?: SecretRedactor,
): ZumRailsHttpError {
  const source = new AxiosError(message, AxiosError.ERR_BAD_OPTION_VALUE, config);
  return httpError(source, undefined, undefined, redactor, 'own');
}

function httpError(
  source: AxiosError,
  verdict: AnswerVerdict | undefined,
  token: string | undefined,
  redactor: SecretRedactor | undefined,
  /** `own`: the message is the library's; `answer`: a 2xx answer that axios did not fail. */
  from: 'axios' | 'own' | 'answer',
): ZumRailsHttpError {
  const secrets = redactor ?? source.config?.zumRailsSecrets;
  const redaction = secrets ? secrets.with([token]) : new Redaction(token ? [token] : []);
  const config = scrubConfig(source.config, redaction);
  const method = (config?.method ?? 'get').toUpperCase();
  const path = requestPath(config);
  // Only the server's words are redacted, never the library's: with the password `code`,
  // "Request failed with status code 500" stays whole. A transport message may quote the
  // server (a certificate's names), so it is redacted.
  const own = from !== 'axios' || AXIOS_STATUS_MESSAGE.test(source.message);
  const cause = new AxiosError(
    own ? source.message : redaction.text(source.message),
    source.code,
    config,
    undefined,
    scrubResponse(source.response, config, redaction),
  );
  const status = source.response?.status ?? source.status;
  const facts = { status, method, path, origin: originOf(config), cause };
  const code = verdict ? apiCode(verdict) : transportCode(source);
  const envelope = source.config?.zumRailsEnvelope === false ? undefined : verdict?.envelope;
  let error: ZumRailsHttpError;
  if (envelope) {
    const failure = describeFailure(envelope, redaction);
    const statusCode = failure.statusCode ?? status ?? 0;
    const text =
      failure.vendorText ??
      (envelope.isError === true ? 'isError: true' : 'the envelope does not say isError: false');
    error = new ZumRailsApiError(code, `Zum Rails ${statusCode} on ${method} ${path}: ${text}`, {
      ...facts,
      statusCode,
      vendorMessage: text,
      traceId: failure.traceId,
      retryAfterMs: capped(verdict?.retryAfterMs),
    });
  } else {
    const message =
      from === 'answer'
        ? `Zum Rails ${status} on ${method} ${path}: the answer is not a Zum Rails envelope`
        : cause.message;
    error = new ZumRailsHttpError(code, message, {
      ...facts,
      retryAfterMs: capped(verdict?.retryAfterMs),
    });
  }
  if (isCancel(source)) Object.defineProperty(error, '__CANCEL__', { value: true });
  return error;
}

/** What an API answer means. Only a login can reject credentials: on a call it is an api-error. */
function apiCode({ kind, envelope, status }: AnswerVerdict): ZumRailsErrorCode {
  if (kind === 'rate-limited') return 'rate-limited';
  if (kind === 'blocked') return 'blocked-by-intermediary';
  // A 500 envelope is Zum Rails failing this request, not an outage.
  if (kind === 'transient') return envelope && status === 500 ? 'api-error' : 'unavailable';
  return envelope && kind !== 'success' ? 'api-error' : 'bad-response';
}

/** What a failure without an answer means: what axios or the socket says. */
function transportCode(source: AxiosError): ZumRailsErrorCode {
  const code = source.code ?? '';
  if (isCancel(source)) return 'cancelled';
  if (INVALID_REQUEST.test(code)) return 'invalid-request';
  if (BAD_RESPONSE.test(code)) return 'bad-response';
  // Timeouts, resets, refusals, DNS and TLS failures, axios' ERR_NETWORK: as for a login.
  return /^[A-Z][A-Z\d_]*$/.test(code) ? 'unavailable' : 'internal';
}

/** A reduced, redacted copy of the request config without credentials or body. */
function scrubConfig(
  config: InternalAxiosRequestConfig | undefined,
  redaction: Redaction,
): InternalAxiosRequestConfig | undefined {
  if (!config) return undefined;
  const headers = scrubHeaders(config.headers, redaction);
  for (const name of SECRET_HEADERS) headers.delete(name);
  // The query holds values, like `params`; the path is the app's own and stays whole.
  const query = config.url?.indexOf('?') ?? -1;
  const url =
    query < 0
      ? config.url
      : config.url!.slice(0, query + 1) + redaction.text(config.url!.slice(query + 1));
  const params = redaction.value(config.params as unknown);
  const { method, baseURL, timeout, zumRailsAuth } = config;
  return { method, url, baseURL, params, timeout, zumRailsAuth, headers };
}

function scrubResponse(
  response: AxiosResponse | undefined,
  config: InternalAxiosRequestConfig | undefined,
  redaction: Redaction,
): AxiosResponse | undefined {
  if (!response) return undefined;
  return {
    status: response.status,
    statusText: redaction.value(response.statusText),
    headers: scrubHeaders(response.headers, redaction),
    data: scrubBody(response.data, redaction),
    config: config ?? { headers: new AxiosHeaders() },
  };
}

/** A `Retry-After` of years (a hostile or broken server) is reported as the vendor's 5-minute block. */
function capped(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.min(ms, MAX_RETRY_AFTER_MS);
}

/**
 * The answer's body, redacted. A stream (`responseType: 'stream'`) is the server's unread,
 * unredacted bytes (an echo of the bearer in them would reach whoever reads the error): it is
 * dropped, and destroyed so its socket goes too.
 */
function scrubBody(data: unknown, redaction: Redaction): unknown {
  const stream = data as { pipe?: unknown; destroy?: () => void } | null | undefined;
  if (typeof stream?.pipe !== 'function') return redaction.value(data);
  stream.destroy?.();
  return undefined;
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

/** `baseURL` joined with the request `url` the way axios joins them (params not appended). */
function fullUrl(config: InternalAxiosRequestConfig | undefined): string {
  const url = config?.url ?? '';
  const base = config?.baseURL;
  if (!base || ABSOLUTE_URL.test(url)) return url;
  if (url === '') return base;
  return `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
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

/** The origin the request went to (scheme, host, port), when its URL is absolute. */
function originOf(config: InternalAxiosRequestConfig | undefined): string | undefined {
  try {
    const origin = new URL(fullUrl(config)).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}
