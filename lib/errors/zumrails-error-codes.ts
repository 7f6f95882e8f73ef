import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { ZumRailsError } from './zumrails.errors.js';

/*
 * Every code a ZumRailsError can carry, declared once (meaning, what to do, HTTP status), and
 * ZumRailsExceptionFilter, which answers the app's clients by that table. The README's error
 * table is rendered from it (test/unit/error-codes.spec.ts).
 */

/** One row of {@link ZUMRAILS_ERROR_CODES}. */
export interface ZumRailsErrorCodeInfo {
  /** What happened, in one line. */
  readonly meaning: string;
  /** What the app or its operator should do about it. */
  readonly action: string;
  /**
   * The HTTP status `ZumRailsExceptionFilter` answers the app's client with (503 comes with
   * `Retry-After`); for `webhook-*` codes, the status the guard answers Zum Rails with.
   */
  readonly httpStatus: 400 | 401 | 408 | 409 | 413 | 500 | 502 | 503;
}

/**
 * Every `code` a `ZumRailsError` can carry, each documented once: its meaning, what to do, and
 * the HTTP status `ZumRailsExceptionFilter` answers with. The README's error table is rendered
 * from it (a test keeps them equal). Read-only.
 */
export const ZUMRAILS_ERROR_CODES = {
  config: {
    meaning:
      'An option is invalid (`field` names it), or the webhook setup is incomplete (no `rawBody: true`, a decorator without its guard).',
    action: 'Fix the configuration named in the message; the app cannot work until then.',
    httpStatus: 500,
  },
  'credentials-rejected': {
    meaning:
      'Zum Rails refused the username/password: a 401/403 Zum Rails envelope answered the login.',
    action:
      'Check the API credentials (portal: Settings > Webhook & API settings) and that they belong to this environment. Not retried in a loop: a cool-down applies.',
    httpStatus: 502,
  },
  'blocked-by-intermediary': {
    meaning:
      'A 401/403 page that is no Zum Rails envelope (a WAF, proxy or gateway), or a proxy asked for its own credentials (407).',
    action:
      'Check the network path (IP allow-list, proxy and its credentials, firewall), not the Zum Rails credentials.',
    httpStatus: 502,
  },
  'rate-limited': {
    meaning:
      "Zum Rails answered 429 (`source: 'zumrails'`), or a local budget is used up and nothing was sent (`source: 'login-budget'` or `'api-budget'`, `rule`).",
    action:
      'Wait `retryAfterMs` before calling again; the vendor blocks an IP for 5 minutes when a limit is exceeded.',
    httpStatus: 503,
  },
  unavailable: {
    meaning:
      'No usable answer in time: a 5xx or 408 (an envelope or an edge page), a timeout (the overall deadline), a reset, refused connection, DNS or TLS failure.',
    action:
      'Retry later (after `retryAfterMs` when set); retries of safe calls already happened (`apiRetry`). A POST may have been executed: retry it with the same `idempotency-key`.',
    httpStatus: 503,
  },
  'bad-response': {
    meaning:
      'The answer is not usable: no envelope on a 2xx login, no `result.Token`, a 3xx/4xx page that is no envelope, a body over the size cap.',
    action:
      'Check `baseUrl`/`environment` and what sits in front of Zum Rails; report it to Zum Rails when it persists.',
    httpStatus: 502,
  },
  'api-error': {
    meaning:
      'Zum Rails refused an API call with an error envelope: `isError` other than `false` (even with HTTP 200), a 4xx, or a 500 (`statusCode`, `vendorMessage`, `traceId`).',
    action:
      'Read `vendorMessage`; fix the request or the account state. Do not retry blindly; quote `traceId` to Zum Rails support.',
    httpStatus: 502,
  },
  'token-wait-timeout': {
    meaning:
      'No valid token within `tokenWaitTimeoutMs` (Zum Rails unavailable or rate limited meanwhile); `reason` is the last failure.',
    action: 'Retry later; see `reason` and the health indicator.',
    httpStatus: 503,
  },
  'shut-down': {
    meaning: 'The module is shutting down and hands out no more tokens.',
    action: 'Nothing: the process is ending; the caller retries elsewhere.',
    httpStatus: 503,
  },
  'cross-origin': {
    meaning:
      'A request (or a redirect of a non-GET request) would have left the configured origin (`origin`); nothing was sent there.',
    action:
      'Call Zum Rails paths only, or pass `{ zumRailsAuth: false }` to call another origin without the bearer.',
    httpStatus: 500,
  },
  'invalid-request': {
    meaning:
      'A request refused before it was sent: an `idempotency-key` over 36 characters, an option or URL axios rejects.',
    action: 'Fix the call named in the message.',
    httpStatus: 500,
  },
  cancelled: {
    meaning:
      'The app cancelled the call (its `AbortSignal` or `CancelToken`); `axios.isCancel` is true.',
    action: 'Nothing, unless the cancel was unintended.',
    httpStatus: 500,
  },
  internal: {
    meaning: 'A bug, not Zum Rails: an unexpected exception (in `cause`, logged with its stack).',
    action: 'Report it with the log line.',
    httpStatus: 500,
  },
  'webhook-signature': {
    meaning: 'A webhook without a valid `zumrails-signature` for its raw body was refused.',
    action:
      'Nothing when it was not Zum Rails; otherwise check the webhook secret (portal) and that nothing rewrites the body.',
    httpStatus: 401,
  },
  'webhook-not-an-event': {
    meaning: 'A signed webhook body is not a Zum Rails event (`Type`, `Data`).',
    action: 'Report it to Zum Rails; the delivery was refused.',
    httpStatus: 400,
  },
  'webhook-body-too-large': {
    meaning: 'A signed webhook body that no parser read is over 1 MB.',
    action: 'Let Nest parse the JSON body (`rawBody: true`) or raise the parser limit.',
    httpStatus: 413,
  },
  'webhook-body-timeout': {
    meaning: 'A signed webhook body that no parser read did not arrive within 10 s.',
    action: 'Nothing: Zum Rails delivers it again.',
    httpStatus: 408,
  },
  'webhook-in-flight': {
    meaning: 'The same delivery is being handled right now (`deduplicate`).',
    action: 'Nothing: Zum Rails delivers it again after `Retry-After`.',
    httpStatus: 409,
  },
  'webhook-dedup-unavailable': {
    meaning: 'The deduplication store did not answer; the delivery was not handled.',
    action: 'Check the store (Redis); Zum Rails delivers it again after `Retry-After`.',
    httpStatus: 503,
  },
} as const satisfies Record<string, ZumRailsErrorCodeInfo>;

/**
 * What went wrong, as one stable string across login, API calls, transport, configuration,
 * rate limits and webhooks. Each value is documented in {@link ZUMRAILS_ERROR_CODES}; switch
 * on it rather than on messages or classes.
 */
export type ZumRailsErrorCode = keyof typeof ZUMRAILS_ERROR_CODES;

/** The codes, in the table's order. */
export const ZUMRAILS_ERROR_CODE_LIST = Object.keys(ZUMRAILS_ERROR_CODES) as ZumRailsErrorCode[];

/** Whether `value` is a documented code. */
export function isZumRailsErrorCode(value: unknown): value is ZumRailsErrorCode {
  return typeof value === 'string' && Object.hasOwn(ZUMRAILS_ERROR_CODES, value);
}

/**
 * The error table as markdown (one row per code: code, meaning, what to do, HTTP status), as
 * the README and docs/errors.md show it between `<!-- error-codes:start -->` and
 * `<!-- error-codes:end -->`.
 */
export function renderErrorCodeTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = ZUMRAILS_ERROR_CODE_LIST.map((code) => {
    const { meaning, action, httpStatus } = ZUMRAILS_ERROR_CODES[code];
    return `| \`${code}\` | ${cell(meaning)} | ${cell(action)} | ${httpStatus} |`;
  });
  return ['| `code` | Meaning | What to do | HTTP (filter) |', '|---|---|---|---|', ...rows].join(
    '\n',
  );
}

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
