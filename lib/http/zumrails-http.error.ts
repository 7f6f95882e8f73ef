import {
  AxiosError,
  AxiosHeaders,
  isCancel,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import {
  ZumRailsApiError,
  ZumRailsHttpError,
  type ZumRailsErrorFacts,
} from '../errors/zumrails.errors.js';
import type { ZumRailsErrorCode } from '../errors/zumrails-error-codes.js';
import { Redaction, type SecretRedactor } from '../util/redact.js';
import { describeFailure, readAnswer, type AnswerVerdict } from '../util/zumrails-envelope.js';

/*
 * An API call's failure (an AxiosError, or a 2xx answer whose verdict is a failure) as a
 * secret-free ZumRailsHttpError: the verdict decides the code, the HTTP facts become fields, and
 * the AxiosError survives only as a scrubbed, non-enumerable `cause`.
 */

/** Request headers that carry credentials; never kept on an error. */
const SECRET_HEADERS = ['Authorization', 'Proxy-Authorization', 'Cookie'] as const;
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;
/** axios' own message for an answer that failed `validateStatus`: nothing of the server in it. */
const AXIOS_STATUS_MESSAGE = /^Request failed with status code \d{3}$/;
/** `code` of the scrubbed cause of an error built from a 2xx answer. */
const API_ERROR_CAUSE_CODE = 'ERR_ZUMRAILS_API';
/** Longest vendor text copied into an error message. */
const MAX_VENDOR_TEXT = 300;
/** axios codes of a request that was never sent as given. */
const INVALID_REQUEST_CODES = new Set([
  'ERR_BAD_OPTION_VALUE',
  'ERR_BAD_OPTION',
  'ERR_INVALID_URL',
  'ERR_NOT_SUPPORT',
  'ERR_DEPRECATED',
  'ERR_FR_MAX_BODY_LENGTH_EXCEEDED',
]);
/** axios codes of an answer that arrived but could not be used (size cap, redirects). */
const BAD_RESPONSE_CODES = new Set(['ERR_BAD_RESPONSE', 'ERR_FR_TOO_MANY_REDIRECTS']);

/**
 * The secret-free error for an `AxiosError` of an API call. With an envelope (unless the request
 * opted out with `zumRailsEnvelope: false`) a ZumRailsApiError, else a ZumRailsHttpError.
 * @param token the bearer this request carried; redacted wherever it appears.
 * @param redactor the module's secrets; default: those of the module that handled the request.
 */
export function toZumRailsError(
  error: AxiosError,
  token?: string,
  redactor?: SecretRedactor,
): ZumRailsHttpError {
  const response = error.response;
  const verdict = response
    ? readAnswer(response.status, response.data, response.headers['retry-after'], Date.now())
    : undefined;
  return buildError(error, verdict, token, redactor);
}

/** The ZumRailsApiError for a 2xx `response` whose verdict is not a success. */
export function apiErrorFromResponse(
  response: AxiosResponse,
  verdict: AnswerVerdict,
  token?: string,
  redactor?: SecretRedactor,
): ZumRailsHttpError {
  const source = new AxiosError('', API_ERROR_CAUSE_CODE, response.config, undefined, response);
  return buildError(source, verdict, token, redactor, 'answer');
}

/**
 * The `invalid-request` error of a request refused before it was sent (`message` is the
 * library's own words).
 */
export function invalidRequestError(
  message: string,
  config: InternalAxiosRequestConfig,
  redactor?: SecretRedactor,
): ZumRailsHttpError {
  const source = new AxiosError(message, AxiosError.ERR_BAD_OPTION_VALUE, config);
  return buildError(source, undefined, undefined, redactor, 'own');
}

function buildError(
  source: AxiosError,
  verdict: AnswerVerdict | undefined,
  token: string | undefined,
  redactor: SecretRedactor | undefined,
  /** `own`: the message is the library's; `answer`: a 2xx answer that axios did not fail. */
  from: 'axios' | 'own' | 'answer' = 'axios',
): ZumRailsHttpError {
  const secrets = redactor ?? source.config?.zumRailsSecrets;
  const redaction = secrets ? secrets.with([token]) : new Redaction(token ? [token] : []);
  const config = scrubConfig(source.config, redaction);
  const method = (config?.method ?? 'get').toUpperCase();
  const path = requestPath(config);
  const envelope = source.config?.zumRailsEnvelope === false ? undefined : verdict?.envelope;
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
  const facts: ZumRailsErrorFacts = {
    status: source.response?.status ?? source.status,
    method,
    path,
    origin: originOf(config),
    retryAfterMs: verdict?.retryAfterMs,
    cause,
  };
  const code = codeOf(source, verdict);
  let error: ZumRailsHttpError;
  if (envelope) {
    const failure = describeFailure(envelope);
    const statusCode = failure.statusCode ?? source.response?.status ?? 0;
    // Redacted before it is cut, so no partial secret survives the cut.
    const text = failure.fromVendor ? cut(redaction.text(failure.text)) : failure.text;
    const traceId = failure.traceId === undefined ? undefined : redaction.text(failure.traceId);
    const message = `Zum Rails ${statusCode} on ${method} ${path}: ${text}`;
    error = new ZumRailsApiError(code, message, {
      ...facts,
      statusCode,
      vendorMessage: text,
      traceId,
    });
  } else if (from === 'answer') {
    const message = `Zum Rails ${facts.status} on ${method} ${path}: ${describeFailure(undefined).text}`;
    error = new ZumRailsHttpError(code, message, facts);
  } else {
    error = new ZumRailsHttpError(code, cause.message, facts);
  }
  if (isCancel(source)) Object.defineProperty(error, '__CANCEL__', { value: true });
  return error;
}

/** What an API call's failure means: the verdict on its answer, else what axios says. */
function codeOf(source: AxiosError, verdict: AnswerVerdict | undefined): ZumRailsErrorCode {
  if (verdict) {
    switch (verdict.kind) {
      case 'rate-limited':
        return 'rate-limited';
      case 'blocked':
        return 'blocked-by-intermediary';
      case 'transient':
        // A 500 envelope is Zum Rails failing this request, not an outage (never retried).
        return verdict.envelope && verdict.status === 500 ? 'api-error' : 'unavailable';
      case 'rejected':
        return 'api-error';
      case 'failed':
        return verdict.envelope ? 'api-error' : 'bad-response';
      default:
        return 'bad-response';
    }
  }
  if (isCancel(source)) return 'cancelled';
  const code = source.code ?? '';
  if (INVALID_REQUEST_CODES.has(code)) return 'invalid-request';
  if (BAD_RESPONSE_CODES.has(code)) return 'bad-response';
  // Timeouts, resets, refusals, DNS and TLS failures (Node's codes, axios' ERR_NETWORK), as
  // for a login.
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

function scrubResponse(
  response: AxiosResponse | undefined,
  config: InternalAxiosRequestConfig | undefined,
  redaction: Redaction,
): AxiosResponse | undefined {
  if (!response) return undefined;
  return {
    status: response.status,
    statusText:
      typeof response.statusText === 'string'
        ? redaction.text(response.statusText)
        : response.statusText,
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

function cut(text: string): string {
  return text.length <= MAX_VENDOR_TEXT ? text : `${text.slice(0, MAX_VENDOR_TEXT)}…`;
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
