/**
 * What went wrong, as a stable machine-readable string.
 *
 * - `config`: the module options are invalid (fix the configuration).
 * - `credentials-rejected`: Zum Rails refused the username/password (HTTP 401/403 on login, in
 *   a Zum Rails envelope).
 * - `blocked-by-intermediary`: a 401/403 that is no Zum Rails envelope (an HTML, text or empty
 *   page of a WAF, proxy or gateway), or a proxy's 407: something in front of Zum Rails refused
 *   the call. Not a verdict on the credentials: no cool-down.
 * - `rate-limited`: Zum Rails answered 429 (the client waits for `Retry-After`, capped), or this
 *   module's own login budget (`maxLoginsPerMinute`) is used up (no request was sent).
 * - `unavailable`: a 5xx or 408 answer (an envelope, or an edge's HTML/text/empty page),
 *   timeout, connection reset/refused or DNS failure. Callers without a token wait through it.
 * - `bad-response`: the answer was not a usable Zum Rails envelope: a page with another status
 *   (3xx, 4xx), a 2xx that is no envelope, `isError` other than `false`, no `result.Token`.
 * - `token-unavailable`: no valid token could be obtained within the bounded wait.
 * - `shut-down`: the module is shutting down and hands out no more tokens.
 * - `cross-origin`: a request (or a redirect of a non-GET request) would have gone to an origin
 *   other than the configured `baseUrl`'s; nothing was sent there.
 * - `internal`: a bug (an unexpected exception) stopped a login; it is logged with its stack.
 */
export type ZumRailsAuthErrorCode =
  | 'config'
  | 'credentials-rejected'
  | 'blocked-by-intermediary'
  | 'rate-limited'
  | 'unavailable'
  | 'bad-response'
  | 'token-unavailable'
  | 'shut-down'
  | 'cross-origin'
  | 'internal';

/**
 * Base class of every error this library throws. Messages and serialised forms never contain
 * the password or a token: the original transport error (which carries the request body and
 * headers) is never attached.
 */
export abstract class ZumRailsAuthError extends Error {
  /** Stable error kind; switch on this rather than on the message. */
  abstract readonly code: ZumRailsAuthErrorCode;
  /** HTTP status that Zum Rails (or a proxy in front of it) answered, when there was one. */
  readonly status?: number;

  protected constructor(message: string, status?: number) {
    super(message);
    this.name = new.target.name;
    if (status !== undefined) this.status = status;
  }

  /** A secret-free plain object, so `JSON.stringify(error)` is useful in logs. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, status: this.status };
  }
}

/** The module options are invalid. `field` names the option to fix. */
export class ZumRailsConfigError extends ZumRailsAuthError {
  readonly code = 'config' as const;
  constructor(
    /** The option at fault, e.g. `username` or `refreshLeadTimeMs`. */
    readonly field: string,
    problem: string,
  ) {
    super(`Invalid ZumRailsAuthModule option "${field}": ${problem}`);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/** Zum Rails rejected the API credentials (HTTP 401 or 403 on `POST /api/authorize`). */
export class ZumRailsCredentialsRejectedError extends ZumRailsAuthError {
  readonly code = 'credentials-rejected' as const;
  constructor(status: number, detail?: string) {
    super(
      `Zum Rails rejected the API credentials (HTTP ${status})${detail ? `: ${detail}` : ''}. ` +
        'Check the username and password from the Zum Rails portal (Settings > Webhook & API settings) ' +
        'and that they belong to this environment.',
      status,
    );
  }
}

/**
 * Zum Rails answered 429 (the quota is reached and the caller's IP may be blocked for minutes);
 * or, with `source: 'login-budget'`, this module already made `maxLoginsPerMinute` logins in
 * the last minute and sent no request: `retryAfterMs` then says when the next login is allowed;
 * or, with `source: 'api-budget'`, the API rate limit `rule` (option `rateLimits`) has no slot
 * within this call's wait bound (`maxWaitMs`, the call's deadline) and nothing was sent:
 * `retryAfterMs` then says when the next slot is expected.
 */
export class ZumRailsRateLimitedError extends ZumRailsAuthError {
  readonly code = 'rate-limited' as const;
  /** With `source: 'api-budget'`: the rule, e.g. `GET /api/transaction/*` (never a secret). */
  readonly rule?: string;
  constructor(
    /** How long to wait: `Retry-After` (capped), the documented 5-minute block, or the budget's next slot. */
    readonly retryAfterMs: number,
    /**
     * `zumrails`: an HTTP 429; `login-budget`: the local login budget, no request sent;
     * `api-budget`: an API rate limit of the `rateLimits` option, no request sent.
     */
    readonly source: 'zumrails' | 'login-budget' | 'api-budget' = 'zumrails',
    /** With `api-budget`: the rule's label and how long the call was allowed to wait, in ms. */
    budget?: { rule: string; maxWaitMs: number },
  ) {
    super(
      rateLimitedMessage(retryAfterMs, source, budget),
      source === 'zumrails' ? 429 : undefined,
    );
    if (budget) this.rule = budget.rule;
  }

  override toJSON(): Record<string, unknown> {
    const { retryAfterMs, source, rule } = this;
    return { ...super.toJSON(), retryAfterMs, source, ...(rule === undefined ? {} : { rule }) };
  }
}

function rateLimitedMessage(
  retryAfterMs: number,
  source: ZumRailsRateLimitedError['source'],
  budget: { rule: string; maxWaitMs: number } | undefined,
): string {
  const seconds = Math.ceil(retryAfterMs / 1000);
  if (source === 'zumrails') {
    return `Zum Rails rate limit reached (HTTP 429); retrying in ${seconds} s`;
  }
  if (source === 'login-budget') {
    return `login budget used up (maxLoginsPerMinute); next login allowed in ${seconds} s`;
  }
  const rule = budget?.rule ?? 'an API rate limit';
  const allowed = budget ? ` (this call may wait ${budget.maxWaitMs} ms)` : '';
  return `rate limit ${rule} used up: next slot in about ${(retryAfterMs / 1000).toFixed(1)} s${allowed}; nothing was sent`;
}

/**
 * A page that is no Zum Rails envelope answered 401 or 403, or a proxy answered 407 (it wants
 * its own credentials): a WAF, proxy or gateway in front of Zum Rails refused the call, Zum
 * Rails did not answer. Says nothing about the credentials, so
 * there is no credential cool-down; the next login is tried after the usual backoff.
 */
export class ZumRailsBlockedByIntermediaryError extends ZumRailsAuthError {
  readonly code = 'blocked-by-intermediary' as const;
  constructor(status: number, detail: string) {
    super(
      `Blocked by an intermediary (HTTP ${status}): not Zum Rails answering but a page in front ` +
        `of it (a WAF, proxy or gateway): ${detail}. Check the network path (IP allow-list, ` +
        'proxy and its credentials, firewall), not the Zum Rails username and password.',
      status,
    );
  }
}

/** Zum Rails could not be reached or answered 5xx (timeout, reset, refused, DNS, gateway). */
export class ZumRailsUnavailableError extends ZumRailsAuthError {
  readonly code = 'unavailable' as const;
  constructor(
    detail: string,
    status?: number,
    /** A valid `Retry-After` of a 503, in ms (capped by `maxRetryAfterMs`); the next attempt waits at least this long. */
    readonly retryAfterMs?: number,
  ) {
    const wait =
      retryAfterMs === undefined
        ? ''
        : `; Retry-After asks for ${Math.ceil(retryAfterMs / 1000)} s`;
    super(`Zum Rails is unavailable: ${detail}${wait}`, status);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** Zum Rails (or a proxy) answered something that is not a usable envelope. */
export class ZumRailsBadResponseError extends ZumRailsAuthError {
  readonly code = 'bad-response' as const;
  constructor(detail: string, status?: number) {
    super(`Unexpected response from Zum Rails: ${detail}`, status);
  }
}

/** No valid token could be obtained within `tokenWaitTimeoutMs`. `reason` is the last failure. */
export class ZumRailsTokenUnavailableError extends ZumRailsAuthError {
  readonly code = 'token-unavailable' as const;
  constructor(
    /** Kind of the last failure, when one is known. */
    readonly reason?: ZumRailsAuthErrorCode,
    detail = 'no valid Zum Rails token could be obtained in time',
  ) {
    super(reason ? `${detail} (last failure: ${reason})` : detail);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason };
  }
}

/**
 * A bug, not Zum Rails: an unexpected exception (e.g. a `TypeError`) stopped a login. It is
 * logged once with its stack; `cause` is the original exception.
 */
export class ZumRailsInternalError extends ZumRailsAuthError {
  readonly code = 'internal' as const;
  constructor(cause: unknown) {
    const kind = cause instanceof Error ? cause.name : typeof cause;
    super(`internal error during login (${kind}); see the error log for its stack`);
    Object.defineProperty(this, 'cause', { value: cause, enumerable: false });
  }
}

/** The module is shutting down; no token is handed out any more. */
export class ZumRailsShutDownError extends ZumRailsAuthError {
  readonly code = 'shut-down' as const;
  constructor() {
    super('ZumRailsAuthModule is shutting down; no token is available');
  }
}

/**
 * A request through `ZumRailsHttpService` (or an instance given to `attachZumRailsAuth`) was
 * stopped because it would have left the configured origin (scheme, host and port of
 * `baseUrl`): the bearer goes to that origin only.
 * - `reason: 'request'`: the request URL itself points elsewhere; nothing was sent. Use
 *   `{ zumRailsAuth: false }` to call another origin deliberately (without the bearer).
 * - `reason: 'redirect'`: the server redirected a non-GET request (whose body and
 *   `idempotency-key` must not reach another host) to another origin; the redirect was not
 *   followed. GET and HEAD redirects to another origin are followed without the bearer.
 */
export class ZumRailsCrossOriginError extends ZumRailsAuthError {
  readonly code = 'cross-origin' as const;
  constructor(
    /** The request method, upper case. */
    readonly method: string,
    /** Origin the request or redirect pointed to (scheme, host, port only; never a path). */
    readonly origin: string,
    /** Whether the request itself or a redirect pointed elsewhere. */
    readonly reason: 'request' | 'redirect',
    /** The configured origin. */
    readonly allowedOrigin: string,
  ) {
    super(
      reason === 'request'
        ? `Refused to send ${method} to ${origin}: the Zum Rails bearer goes only to ${allowedOrigin}; ` +
            'pass { zumRailsAuth: false } to call another origin without it'
        : `Refused to follow a redirect of ${method} from ${allowedOrigin} to ${origin}: ` +
            'a non-GET request (its body, idempotency-key) is never re-sent to another origin',
    );
  }

  override toJSON(): Record<string, unknown> {
    const { method, origin, reason, allowedOrigin } = this;
    return { ...super.toJSON(), method, origin, reason, allowedOrigin };
  }
}
