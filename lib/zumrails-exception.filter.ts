import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import {
  ZUMRAILS_ERROR_CODES,
  isZumRailsErrorCode,
  type ZumRailsErrorCode,
} from './errors/zumrails-error-codes.js';
import { ZumRailsError } from './errors/zumrails.errors.js';

/** `Retry-After` of a 503 when nothing better is known (an outage, a wait for a token). */
const DEFAULT_RETRY_AFTER_SECONDS = 5;
/** The vendor blocks an IP for 5 minutes: no client needs to wait longer than that. */
const MAX_RETRY_AFTER_SECONDS = 300;

/** What the client reads, per code; the status decides for the others. */
const CLIENT_MESSAGES: Partial<Record<ZumRailsErrorCode, string>> = {
  unavailable: 'Zum Rails is unavailable; retry later',
  'token-wait-timeout': 'no Zum Rails token could be obtained in time; retry later',
  'shut-down': 'this service is shutting down; retry later',
  'credentials-rejected': "Zum Rails refused this service's API credentials",
  'blocked-by-intermediary': 'something in front of Zum Rails refused the call',
  'bad-response': 'Zum Rails answered something unusable',
};
const STATUS_MESSAGES: Record<number, string> = {
  500: 'internal error while calling Zum Rails',
  502: 'Zum Rails (or something in front of it) refused the call',
  503: 'Zum Rails is unavailable; retry later',
};

/** The JSON body `ZumRailsExceptionFilter` answers with: `statusCode` 502, 503 or 500, never 401/403. */
export interface ZumRailsExceptionBody {
  statusCode: number;
  /** The error's `code` (see `ZUMRAILS_ERROR_CODES`). */
  error: ZumRailsErrorCode;
  /** A sentence for the app's client: no secret, no host, no configuration detail. */
  message: string;
  /** The vendor's trace id of a refused API call, when it sent one. */
  traceId?: string;
}

/** The Express or Fastify response, whichever the app runs on. */
interface PlatformResponse {
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
  status(code: number): { json?(body: unknown): unknown; send?(body: unknown): unknown };
}

/**
 * Turns every `ZumRailsError` into an honest HTTP answer for the app's own clients, as
 * `app.useGlobalFilters(new ZumRailsExceptionFilter())` or the provider
 * `{ provide: APP_FILTER, useClass: ZumRailsExceptionFilter }`. The status is the code's
 * `httpStatus` in `ZUMRAILS_ERROR_CODES`:
 *
 * - **503** with `Retry-After` (seconds: the error's `retryAfterMs`, else 5; 300 for a 429
 *   without one) when Zum Rails is rate limited or unavailable for now;
 * - **502** when Zum Rails (or something in front of it) refused or answered something
 *   unusable; for `api-error` the message carries the vendor's text (secrets redacted) and
 *   `traceId` when sent. Not a 503: retrying a refused payment is not what the client should do;
 * - **500** for a fault of this app (`config`, `cross-origin`, `invalid-request`, `cancelled`,
 *   `internal`); the error is logged (its message, never its `cause`), the body says no more.
 *
 * Never 401 or 403: the credentials Zum Rails refused are this service's, not its caller's. The
 * body is `{ statusCode, error, message, traceId? }`, written here from the code, so no secret,
 * host or option value reaches the client. A webhook refusal (`ZumRailsWebhookError`) keeps its
 * own answer (401, 400, ...) to the sender. Other exceptions go on to Nest's default handling.
 * HTTP only: in another context (RPC, WebSocket) the error is thrown on unchanged.
 */
@Catch(ZumRailsError)
export class ZumRailsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ZumRailsExceptionFilter');

  /** @throws the error itself outside an HTTP context. */
  catch(error: ZumRailsError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const response = host.switchToHttp().getResponse<PlatformResponse>();
    const refusal: unknown = error; // a webhook refusal: an HttpException branded ZumRailsError
    if (refusal instanceof HttpException) {
      send(response, refusal.getStatus(), refusal.getResponse());
      return;
    }
    const code: ZumRailsErrorCode = isZumRailsErrorCode(error.code) ? error.code : 'bad-response';
    const statusCode = ZUMRAILS_ERROR_CODES[code].httpStatus;
    const body: ZumRailsExceptionBody = {
      statusCode,
      error: code,
      message: CLIENT_MESSAGES[code] ?? STATUS_MESSAGES[statusCode] ?? STATUS_MESSAGES[502]!,
    };
    if (statusCode === Number(HttpStatus.INTERNAL_SERVER_ERROR)) {
      this.logger.error(`${error.name}: ${error.message}`);
    }
    if (code === 'api-error') {
      body.message = `Zum Rails refused the request: ${error.vendorMessage ?? 'no reason given'}`;
      if (error.traceId !== undefined) body.traceId = error.traceId;
    }
    if (statusCode === Number(HttpStatus.SERVICE_UNAVAILABLE)) {
      const seconds = retryAfterSeconds(code, error.retryAfterMs);
      if (code === 'rate-limited') {
        body.message = `Zum Rails rate limit reached; retry in ${seconds} s`;
      }
      const value = String(seconds);
      if (typeof response.header === 'function') response.header('Retry-After', value);
      else response.setHeader?.('Retry-After', value);
    }
    send(response, statusCode, body);
  }
}

function send(response: PlatformResponse, status: number, body: unknown): void {
  const reply = response.status(status);
  if (typeof reply.json === 'function') reply.json(body);
  else reply.send?.(body);
}

/** Whole seconds, at least 1, at most the vendor's 5-minute block (its length without a hint). */
function retryAfterSeconds(code: ZumRailsErrorCode, ms: number | undefined): number {
  if (ms === undefined) {
    return code === 'rate-limited' ? MAX_RETRY_AFTER_SECONDS : DEFAULT_RETRY_AFTER_SECONDS;
  }
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(ms / 1000)));
}
