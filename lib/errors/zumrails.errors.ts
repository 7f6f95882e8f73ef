import {
  BadRequestException,
  ConflictException,
  HttpException,
  InternalServerErrorException,
  PayloadTooLargeException,
  RequestTimeoutException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import type { ZumRailsErrorCode } from './zumrails-error-codes.js';

export type { ZumRailsErrorCode } from './zumrails-error-codes.js';

/**
 * Marks every error of this library, also the webhook refusals (which are `HttpException`s) and
 * errors of another loaded copy of the package (ESM and CommonJS): `instanceof ZumRailsError`
 * checks this mark.
 */
const BRAND = Symbol.for('nestjs-zumrails-auth/error');

/** The facts of an error, each set only when known (see the fields of `ZumRailsError`). */
export interface ZumRailsErrorFacts {
  status?: number;
  statusCode?: number;
  vendorMessage?: string;
  traceId?: string;
  method?: string;
  path?: string;
  retryAfterMs?: number;
  origin?: string;
  /** Kept non-enumerable (an axios error here is already scrubbed). */
  cause?: unknown;
}

type Fact = Exclude<keyof ZumRailsErrorFacts, 'cause'>;
const FACTS = 'status statusCode vendorMessage traceId method path retryAfterMs origin'.split(
  ' ',
) as Fact[];

/**
 * The root of everything this library throws, rejects with or emits. Switch on `code` (see
 * `ZUMRAILS_ERROR_CODES` for each value's meaning and what to do):
 *
 * ```ts
 * catch (e) { if (e instanceof ZumRailsError) switch (e.code) { case 'api-error': ... } }
 * ```
 *
 * Messages, fields and `JSON.stringify(error)` never contain a secret (password, tokens,
 * webhook secret, proxy credentials). A transport error is kept only as a scrubbed,
 * non-enumerable `cause` (for an HTTP call: an `AxiosError` without credentials, request body or
 * socket; its `code` is axios' own, e.g. `ECONNREFUSED`). `instanceof` also holds for the
 * webhook guard's refusals (`ZumRailsWebhookError`, an `HttpException`) and across two loaded
 * copies of the package.
 */
export class ZumRailsError extends Error {
  /** Stable, documented kind of failure. */
  readonly code: ZumRailsErrorCode;
  /** HTTP status that Zum Rails (or something in front of it) answered, when there was one. */
  declare readonly status?: number;
  /** The envelope's `statusCode` (the HTTP status when the envelope has none). */
  declare readonly statusCode?: number;
  /** The vendor's error text, secrets redacted, cut to 300 characters. */
  declare readonly vendorMessage?: string;
  /** The vendor's trace id of a refused call, when it sent one. */
  declare readonly traceId?: string;
  /** The request method, upper case. */
  declare readonly method?: string;
  /** The request path without origin or query, e.g. `/api/transaction`. */
  declare readonly path?: string;
  /** How long to wait before trying again, in ms (`Retry-After`, capped, or a budget's next slot). */
  declare readonly retryAfterMs?: number;
  /** An origin (scheme, host, port; never a path or credentials): where a request went or would have gone. */
  declare readonly origin?: string;

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== ZumRailsError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { [BRAND]?: unknown })[BRAND] === true
    );
  }

  /**
   * @param code the documented kind.
   * @param message a secret-free sentence.
   * @param facts HTTP facts and `cause`; only defined ones are set.
   */
  constructor(code: ZumRailsErrorCode, message: string, facts: ZumRailsErrorFacts = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    const fields = this as Record<string, unknown>;
    for (const name of FACTS) if (facts[name] !== undefined) fields[name] = facts[name];
    // Not enumerable: never serialised, never listed.
    const cause = { value: facts.cause, writable: true, configurable: true };
    if (facts.cause !== undefined) Object.defineProperty(this, 'cause', cause);
  }

  /** A secret-free plain object for logs: `name`, `code`, `message` and the known facts. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      message: this.message,
    };
    for (const name of FACTS) if (this[name] !== undefined) json[name] = this[name];
    return json;
  }
}
Object.defineProperty(ZumRailsError.prototype, BRAND, { value: true });

/** The module options are invalid (`field` names the option), or the webhook setup is incomplete. */
export class ZumRailsConfigError extends ZumRailsError {
  declare readonly code: 'config';
  constructor(
    /** The option at fault, e.g. `username` or `refreshLeadTimeMs`. */
    readonly field: string,
    problem: string,
  ) {
    super('config', `Invalid ZumRailsAuthModule option "${field}": ${problem}`);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/** Zum Rails rejected the API credentials (a 401/403 envelope on `POST /api/authorize`). */
export class ZumRailsCredentialsRejectedError extends ZumRailsError {
  declare readonly code: 'credentials-rejected';
  constructor(status: number, detail?: string) {
    super(
      'credentials-rejected',
      `Zum Rails rejected the API credentials (HTTP ${status})${detail ? `: ${detail}` : ''}. ` +
        'Check the username and password from the Zum Rails portal (Settings > Webhook & API settings) ' +
        'and that they belong to this environment.',
      { status },
    );
  }
}

/**
 * Code `rate-limited`: Zum Rails answered 429 (`source: 'zumrails'`, the IP may be blocked for
 * minutes); or this module made `maxLoginsPerMinute` logins in the last minute and sent nothing
 * (`'login-budget'`); or the API rate limit `rule` (option `rateLimits`) has no slot within this
 * call's wait bound and nothing was sent (`'api-budget'`). `retryAfterMs` says when to try again.
 */
export class ZumRailsRateLimitedError extends ZumRailsError {
  declare readonly code: 'rate-limited';
  declare readonly retryAfterMs: number;
  /** With `source: 'api-budget'`: the rule, e.g. `GET /api/transaction/*` (never a secret). */
  readonly rule?: string;
  constructor(
    retryAfterMs: number,
    /** Who refused: Zum Rails (HTTP 429) or a local budget (nothing sent). */
    readonly source: 'zumrails' | 'login-budget' | 'api-budget' = 'zumrails',
    /** With `api-budget`: the rule's label and how long the call was allowed to wait, in ms. */
    budget?: { rule: string; maxWaitMs: number },
  ) {
    super('rate-limited', rateLimitedMessage(retryAfterMs, source, budget), {
      status: source === 'zumrails' ? 429 : undefined,
      retryAfterMs,
    });
    if (budget) this.rule = budget.rule;
  }

  override toJSON(): Record<string, unknown> {
    const { source, rule } = this;
    return { ...super.toJSON(), source, ...(rule === undefined ? {} : { rule }) };
  }
}

function rateLimitedMessage(
  ms: number,
  source: ZumRailsRateLimitedError['source'],
  budget: { rule: string; maxWaitMs: number } | undefined,
): string {
  const seconds = Math.ceil(ms / 1000);
  if (source === 'zumrails')
    return `Zum Rails rate limit reached (HTTP 429); retrying in ${seconds} s`;
  if (source === 'login-budget') {
    return `login budget used up (maxLoginsPerMinute); next login allowed in ${seconds} s`;
  }
  const allowed = budget ? ` (this call may wait ${budget.maxWaitMs} ms)` : '';
  const next = `next slot in about ${(ms / 1000).toFixed(1)} s${allowed}; nothing was sent`;
  return `rate limit ${budget?.rule ?? 'an API rate limit'} used up: ${next}`;
}

/**
 * A page that is no Zum Rails envelope answered a login 401 or 403, or a proxy answered 407: a
 * WAF, proxy or gateway refused the call. Says nothing about the credentials (no cool-down).
 */
export class ZumRailsBlockedByIntermediaryError extends ZumRailsError {
  declare readonly code: 'blocked-by-intermediary';
  constructor(status: number, detail: string) {
    super(
      'blocked-by-intermediary',
      `Blocked by an intermediary (HTTP ${status}): not Zum Rails answering but a page in front ` +
        `of it (a WAF, proxy or gateway): ${detail}. Check the network path (IP allow-list, ` +
        'proxy and its credentials, firewall), not the Zum Rails username and password.',
      { status },
    );
  }
}

/**
 * Code `unavailable`: a login or cancel got no usable answer in time (5xx, 408, timeout, reset,
 * refused, DNS, TLS). `retryAfterMs`: a valid `Retry-After` of a 503, capped.
 */
export class ZumRailsUnavailableError extends ZumRailsError {
  declare readonly code: 'unavailable';
  constructor(detail: string, status?: number, retryAfterMs?: number) {
    const wait =
      retryAfterMs === undefined
        ? ''
        : `; Retry-After asks for ${Math.ceil(retryAfterMs / 1000)} s`;
    super('unavailable', `Zum Rails is unavailable: ${detail}${wait}`, { status, retryAfterMs });
  }
}

/** Code `bad-response`: a login or cancel answer that is not a usable Zum Rails envelope. */
export class ZumRailsBadResponseError extends ZumRailsError {
  declare readonly code: 'bad-response';
  constructor(detail: string, status?: number) {
    super('bad-response', `Unexpected response from Zum Rails: ${detail}`, { status });
  }
}

/**
 * Code `token-wait-timeout`: no valid token within `tokenWaitTimeoutMs`; `reason` is the code
 * of the last failure. (Not to be confused with code `unavailable`: Zum Rails itself not answering.)
 */
export class ZumRailsTokenWaitTimeoutError extends ZumRailsError {
  declare readonly code: 'token-wait-timeout';
  constructor(
    /** Code of the last failure, when one is known. */
    readonly reason?: ZumRailsErrorCode,
    detail = 'no valid Zum Rails token could be obtained in time',
  ) {
    super('token-wait-timeout', reason ? `${detail} (last failure: ${reason})` : detail);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason };
  }
}

/** Code `internal`: an unexpected exception (a bug) stopped a login; `cause` is that exception. */
export class ZumRailsInternalError extends ZumRailsError {
  declare readonly code: 'internal';
  constructor(cause: unknown) {
    const kind = cause instanceof Error ? cause.name : typeof cause;
    super('internal', `internal error during login (${kind}); see the error log for its stack`, {
      cause,
    });
  }
}

/** Code `shut-down`: the module is shutting down; no token is handed out any more. */
export class ZumRailsShutDownError extends ZumRailsError {
  declare readonly code: 'shut-down';
  constructor() {
    super('shut-down', 'ZumRailsAuthModule is shutting down; no token is available');
  }
}

/**
 * Code `cross-origin`: a request would have left the configured origin (scheme, host and port
 * of `baseUrl`), and the bearer goes to that origin only. `reason: 'request'`: the URL points
 * elsewhere, nothing was sent (use `{ zumRailsAuth: false }` to call another origin on purpose);
 * `'redirect'`: a non-GET request was redirected elsewhere and not followed.
 */
export class ZumRailsCrossOriginError extends ZumRailsError {
  declare readonly code: 'cross-origin';
  declare readonly method: string;
  declare readonly origin: string;
  constructor(
    method: string,
    origin: string,
    /** Whether the request itself or a redirect pointed elsewhere. */
    readonly reason: 'request' | 'redirect',
    /** The configured origin. */
    readonly allowedOrigin: string,
  ) {
    super(
      'cross-origin',
      reason === 'request'
        ? `Refused to send ${method} to ${origin}: the Zum Rails bearer goes only to ${allowedOrigin}; ` +
            'pass { zumRailsAuth: false } to call another origin without it'
        : `Refused to follow a redirect of ${method} from ${allowedOrigin} to ${origin}: ` +
            'a non-GET request (its body, idempotency-key) is never re-sent to another origin',
      { method, origin },
    );
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, allowedOrigin: this.allowedOrigin };
  }
}

type WebhookCode = Extract<ZumRailsErrorCode, `webhook-${string}`> | 'config';
/** The answer each refusal gives the sender (the statuses of `ZUMRAILS_ERROR_CODES`; tested). */
const WEBHOOK_ANSWERS: Record<WebhookCode, new (message?: string) => HttpException> = {
  config: InternalServerErrorException,
  'webhook-signature': UnauthorizedException,
  'webhook-not-an-event': BadRequestException,
  'webhook-body-too-large': PayloadTooLargeException,
  'webhook-body-timeout': RequestTimeoutException,
  'webhook-in-flight': ConflictException,
  'webhook-dedup-unavailable': ServiceUnavailableException,
};

/**
 * What the webhook guard, decorator and deduplication refuse a delivery with: an
 * `HttpException` (the sender gets 401, 400, 408, 409, 413, 503, or 500 for a `config` fault,
 * as before) that is also `instanceof ZumRailsError`, with a `code`.
 */
export class ZumRailsWebhookError extends HttpException {
  /** Stable, documented kind of refusal. */
  readonly code: WebhookCode;
  constructor(code: WebhookCode, message?: string) {
    const answer = new WEBHOOK_ANSWERS[code](message);
    super(answer.getResponse(), answer.getStatus());
    this.code = code;
  }

  /** A secret-free plain object for logs. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, status: this.getStatus() };
  }
}
Object.defineProperty(ZumRailsWebhookError.prototype, BRAND, { value: true });

/** @deprecated use `ZumRailsError` (the root of every error now); removed in 2.0. */
export const ZumRailsAuthError = ZumRailsError;
/** @deprecated use `ZumRailsError`; removed in 2.0. */
export type ZumRailsAuthError = ZumRailsError;
/** @deprecated use `ZumRailsErrorCode`; removed in 2.0. */
export type ZumRailsAuthErrorCode = ZumRailsErrorCode;
/** @deprecated use `ZumRailsTokenWaitTimeoutError` (code `token-wait-timeout`); removed in 2.0. */
export const ZumRailsTokenUnavailableError = ZumRailsTokenWaitTimeoutError;
/** @deprecated use `ZumRailsTokenWaitTimeoutError`; removed in 2.0. */
export type ZumRailsTokenUnavailableError = ZumRailsTokenWaitTimeoutError;
