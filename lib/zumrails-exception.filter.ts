import {
  Catch,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import {
  ZumRailsAuthError,
  ZumRailsRateLimitedError,
  type ZumRailsAuthErrorCode,
} from './errors/zumrails-auth.errors.js';
import { ZumRailsApiError } from './http/zumrails-api.error.js';
import { ZumRailsHttpError } from './http/zumrails-http.error.js';

/** `Retry-After` of a 503 when nothing better is known (an outage, a wait for a token). */
const DEFAULT_RETRY_AFTER_SECONDS = 5;
/** The vendor blocks an IP for 5 minutes: no client needs to wait longer than that. */
const MAX_RETRY_AFTER_SECONDS = 300;
/** Answers that mean "not now": a gateway or timeout page, or any non-envelope 5xx. */
const TRANSIENT_STATUSES = new Set([408, 502, 503, 504]);
/** axios codes of a request that got no answer because of the network or its deadline. */
const NO_ANSWER_CODES = new Set([
  'ECONNABORTED',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ERR_NETWORK',
]);

type ZumRailsExceptionCode = ZumRailsAuthErrorCode | 'api-error';

/** The JSON body `ZumRailsExceptionFilter` answers with: `statusCode` 502, 503 or 500, never 401/403. */
export interface ZumRailsExceptionBody {
  statusCode: number;
  /**
   * What went wrong, as a stable string: a {@link ZumRailsAuthErrorCode}, or `api-error` when
   * Zum Rails answered an API call with an error envelope (see {@link ZumRailsExceptionFilter}).
   */
  error: ZumRailsAuthErrorCode | 'api-error';
  /** A sentence for the app's client: no secret, no host, no configuration detail. */
  message: string;
  /** The vendor's trace id of a refused API call, when it sent one. */
  traceId?: string;
}

interface Answer {
  body: ZumRailsExceptionBody;
  retryAfterSeconds?: number;
}

/** The Express or Fastify response, whichever the app runs on. */
interface PlatformResponse {
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
  status(code: number): { json?(body: unknown): unknown; send?(body: unknown): unknown };
}

/**
 * Turns the errors of this library into honest HTTP answers for the app's own clients, as
 * `app.useGlobalFilters(new ZumRailsExceptionFilter())` or the provider
 * `{ provide: APP_FILTER, useClass: ZumRailsExceptionFilter }`:
 *
 * - **503** with `Retry-After` (seconds) when Zum Rails is rate limited or unavailable for now:
 *   `rate-limited` (Zum Rails' 429, or the login budget), `unavailable` (5xx, timeout, network),
 *   `token-unavailable`, `shut-down`; an API call answered 429, 408, 502-504 (or a 5xx page that
 *   is no envelope), or got no answer at all.
 * - **502** when Zum Rails refused or answered something unusable: `credentials-rejected`,
 *   `bad-response`, and `api-error` (an error envelope, HTTP 200 with `isError: true` and HTTP
 *   500 included: the message carries the vendor's text, secrets redacted, and `traceId` when
 *   sent). Not a 503: retrying a refused payment is not what the client should do.
 * - **500** for a fault of this app: `config`, `cross-origin`, `internal`, a request axios could
 *   not send. The error is logged (its message, never its `cause`); the body says nothing more.
 *
 * Never 401 or 403: the credentials Zum Rails refused are this service's, not its caller's.
 * The body is `{ statusCode, error, message, traceId? }`; the message is written here from the
 * error's kind, so no secret, host or option value reaches the client. Only the library's
 * errors (`ZumRailsAuthError`, `ZumRailsHttpError` and their subclasses) are caught: every other
 * exception (an `HttpException`, an unknown `Error`) goes on to Nest's default handling. HTTP
 * only: in another context (RPC, WebSocket) the error is thrown on unchanged.
 */
@Catch(ZumRailsAuthError, ZumRailsHttpError)
export class ZumRailsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ZumRailsExceptionFilter');

  /** @throws the error itself outside an HTTP context. */
  catch(error: ZumRailsAuthError | ZumRailsHttpError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const answer = error instanceof ZumRailsAuthError ? authAnswer(error) : httpAnswer(error);
    if (answer.body.statusCode === Number(HttpStatus.INTERNAL_SERVER_ERROR)) {
      this.logger.error(`${error.name}: ${error.message}`);
    }
    const response = host.switchToHttp().getResponse<PlatformResponse>();
    if (answer.retryAfterSeconds !== undefined) {
      const value = String(answer.retryAfterSeconds);
      if (typeof response.header === 'function') response.header('Retry-After', value);
      else response.setHeader?.('Retry-After', value);
    }
    const reply = response.status(answer.body.statusCode);
    if (typeof reply.json === 'function') reply.json(answer.body);
    else reply.send?.(answer.body);
  }
}

function authAnswer(error: ZumRailsAuthError): Answer {
  const code = error.code;
  switch (code) {
    case 'rate-limited': {
      const seconds = retryAfterSeconds((error as ZumRailsRateLimitedError).retryAfterMs);
      return unavailable(code, `Zum Rails rate limit reached; retry in ${seconds} s`, seconds);
    }
    case 'unavailable':
      return unavailable(code, 'Zum Rails is unavailable; retry later');
    case 'token-unavailable':
      return unavailable(code, 'no Zum Rails token could be obtained in time; retry later');
    case 'shut-down':
      return unavailable(code, 'this service is shutting down; retry later');
    case 'credentials-rejected':
      return refused(code, "Zum Rails refused this service's API credentials");
    case 'bad-response':
      return refused(code, 'Zum Rails answered something unusable');
    case 'config':
    case 'cross-origin':
    case 'internal':
      return ownFault(code);
    default: // a code added later: someone answered, and it was not this app
      return refused(code, 'Zum Rails (or something in front of it) refused the call');
  }
}

function httpAnswer(error: ZumRailsHttpError): Answer {
  const status = error.response?.status;
  if (status === 429) {
    const seconds = retryAfterSeconds(vendorRetryAfterMs(error.response?.headers['retry-after']));
    return unavailable(
      'rate-limited',
      `Zum Rails rate limit reached; retry in ${seconds} s`,
      seconds,
    );
  }
  // A 500 with an envelope is the vendor failing this request, not an outage (never retried).
  const transient = status !== undefined && (TRANSIENT_STATUSES.has(status) || status >= 500);
  if (transient && !(status === 500 && error instanceof ZumRailsApiError)) {
    return unavailable('unavailable', `Zum Rails is unavailable (HTTP ${status}); retry later`);
  }
  if (error instanceof ZumRailsApiError) {
    const answer = refused('api-error', `Zum Rails refused the request: ${error.zumRailsMessage}`);
    if (error.traceId !== undefined) answer.body.traceId = error.traceId;
    return answer;
  }
  if (status !== undefined) return refused('bad-response', 'Zum Rails answered something unusable');
  if (NO_ANSWER_CODES.has(error.code ?? '')) {
    return unavailable('unavailable', 'Zum Rails is unavailable; retry later');
  }
  return ownFault('internal');
}

/** A 429's `Retry-After` (delay-seconds or an HTTP date) in ms; the vendor's 5-minute block without one. */
function vendorRetryAfterMs(header: unknown): number {
  const value = typeof header === 'string' ? header.trim() : '';
  if (/^\d{1,12}$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? MAX_RETRY_AFTER_SECONDS * 1000 : Math.max(0, date - Date.now());
}

/** Whole seconds, at least 1, at most the vendor's 5-minute block. */
function retryAfterSeconds(ms: number): number {
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(ms / 1000)));
}

function unavailable(
  error: ZumRailsExceptionCode,
  message: string,
  seconds = DEFAULT_RETRY_AFTER_SECONDS,
): Answer {
  const body = { statusCode: HttpStatus.SERVICE_UNAVAILABLE, error, message };
  return { body, retryAfterSeconds: seconds };
}

function refused(error: ZumRailsExceptionCode, message: string): Answer {
  return { body: { statusCode: HttpStatus.BAD_GATEWAY, error, message } };
}

function ownFault(error: ZumRailsExceptionCode): Answer {
  const message = 'internal error while calling Zum Rails';
  return { body: { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error, message } };
}
