import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { isAxiosError, type AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import type { ZumRailsApiRetryOptions } from '../options/zumrails-auth-options.interface.js';
import { rateLimiterOf, type ApiRateLimiter } from '../ratelimit/api-rate-limiter.js';
import { authContextOf } from '../token/token.service.js';
import type { TokenService } from '../token/token.service.js';
import { SecretRedactor } from '../util/redact.js';
import { createApiRetrier, isStream, type RetryConfig, type RetryCounter } from './api-retry.js';
import { crossOriginCause, OriginGuard, originOf } from './origin-guard.js';
import {
  asDeadlineTimeout,
  endRequestDeadline,
  guardStreamBody,
  isStreamResponse,
  RequestDeadlines,
} from './request-deadline.js';
import {
  carriedToken,
  checkEnvelope,
  invalidRequestError,
  toZumRailsError,
} from './zumrails-http.error.js';

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * `false` sends this request without Zum Rails auth handling: no bearer token, no
     * `idempotency-key`, no retry after a 401. Errors are still scrubbed. Default `true`.
     */
    zumRailsAuth?: boolean;
    /**
     * `false` hands this request's answer over raw: a 2xx whose Zum Rails envelope says
     * `isError: true` resolves instead of rejecting with a `ZumRailsApiError`, error answers
     * reject with a plain `ZumRailsHttpError`, and `ZumRailsClient` resolves the whole body
     * instead of `result`. Default `true`.
     */
    zumRailsEnvelope?: boolean;
    /** `false` never retries this request (see the `apiRetry` option). Default `true`. */
    zumRailsRetry?: boolean;
    /**
     * Overall deadline of this request through `ZumRailsHttpService`, in ms: connect, headers
     * and the whole body (axios' `timeout` only fires on an idle socket), a `responseType:
     * 'stream'` body too, until it ends (past it, the stream errors with `ECONNABORTED`). It
     * covers every retry of the call (after a 401, `apiRetry`). Default: the module's
     * `requestTimeoutMs`, or the request's `timeout` when longer.
     */
    zumRailsTimeoutMs?: number;
    /**
     * @internal The secrets of the module whose pipeline handled this request (axios hands
     * this same config to the `AxiosError` it builds): any `ZumRailsHttpError` built from such
     * an error, by the pipeline or by later code, redacts them. Shows no secret when logged.
     */
    zumRailsSecrets?: SecretRedactor;
  }
}

/** What `attachZumRailsAuth` needs from a token source; `TokenService` provides it. */
export type ZumRailsTokenSource = Pick<TokenService, 'getToken' | 'invalidate'>;

/** Optional settings of `attachZumRailsAuth`. */
export interface AttachZumRailsAuthOptions {
  /**
   * The only origin (scheme, host, port) the bearer is sent to. Default: the `baseUrl` of the
   * module when `tokens` is its `TokenService`, else the instance's `defaults.baseURL`.
   */
  baseUrl?: string;
  /** Safe retries, as the module option `apiRetry`. Default: 2 retries; `false`: none. */
  apiRetry?: ZumRailsApiRetryOptions | false;
  /**
   * Overall deadline of one call with its retries, in ms (the request's `timeout` when longer).
   * Default: the instance's `defaults.timeout`, else 10000.
   */
  requestTimeoutMs?: number;
  /** Where the retry warnings go, as the module option `logger`. Default: Nest's `Logger`. */
  logger?: LoggerService | false;
  /** @internal The module's metrics, counting each retry (`zumrails.api.retries`). */
  metrics?: RetryCounter;
  /** @internal The module's rate limits; default: those of the module of `tokens`. */
  rateLimiter?: ApiRateLimiter;
  /**
   * @internal Aborts each call at its overall deadline (`requestTimeoutMs`), body included:
   * the module's own instance. Without it, the deadline only bounds the retries.
   */
  abortAtDeadline?: boolean;
}

/** Config key marking the one retry after a 401 (a string key: axios' merge drops symbols). */
const RETRIED = 'zumRailsAuthRetried';
const BEARER = 'Bearer ';
const IDEMPOTENCY_KEY = 'idempotency-key';
/** Zum Rails keeps an `idempotency-key` of at most 36 characters (a UUID). */
const MAX_IDEMPOTENCY_KEY_CHARS = 36;
/** How long a token refused right after a 401 recovery stays exempt from further recoveries. */
const UNAUTHORIZED_COOLDOWN_MS = 10_000;

type Config = RetryConfig & { [RETRIED]?: true };

/**
 * Adds the Zum Rails interceptor pair to an axios instance the app owns (never use it on the
 * global `axios` default instance):
 * - every request gets `Authorization: Bearer <token>` from `tokens.getToken()` (cached while
 *   valid, one login for all concurrent callers), but only when it goes to the configured
 *   origin (scheme, host and port of `baseUrl`): a request to any other origin is refused with
 *   a `ZumRailsCrossOriginError` before anything is sent. A redirect to another origin is
 *   followed without the bearer for GET and HEAD, and refused (the same error) for any other
 *   method, whose body and `idempotency-key` must not reach another host;
 * - a POST without an `idempotency-key` header gets a random UUID, so a retried payment is
 *   never executed twice;
 * - a 401 invalidates the token that request carried (if still current), awaits a fresh one and
 *   retries the request once with the same `idempotency-key`; a second 401 goes to the caller.
 *   When that retry with a fresh token is refused too, the 401 is not about the token: further
 *   401s for that token go to the caller without a new login for 10 s, so an endpoint that
 *   always answers 401 costs at most one login per 10 s, not one per call;
 * - a 2xx answer whose Zum Rails envelope has `isError` other than `false` rejects with a
 *   `ZumRailsApiError` (vendor text in its message), and so does any error answer that carries
 *   an envelope (`zumRailsEnvelope: false` in a request config: raw answers);
 * - requests safe to repeat are retried on 429/502/503/504 and on a reset or timeout before any
 *   response, within the call's deadline (`apiRetry`; `zumRailsRetry: false` per request);
 * - with the module's `TokenService`, every call (each retry too) takes a slot of the module's
 *   `rateLimits` first, waiting in line when there is none, and a 429 pauses the rules it
 *   matches fleet-wide (see the `rateLimits` option);
 * - every `AxiosError` is replaced by a secret-free `ZumRailsHttpError` (a `ZumRailsError`);
 *   errors of `getToken()` (other `ZumRailsError`s) reach the caller unchanged.
 *
 * `zumRailsAuth: false` in a request config skips the bearer, the key and the 401 retry for
 * that request. Request bodies that are streams are never retried (they cannot be replayed).
 *
 * @param instance the app's axios instance; its base URL should be the Zum Rails API.
 * @param tokens usually the injected `TokenService`.
 * @param options `baseUrl` for token sources other than `TokenService`, `apiRetry`,
 *   `requestTimeoutMs`, `logger`.
 * @returns a function that removes both interceptors (idempotent).
 * @throws TypeError when no origin is known (no `TokenService`, `baseUrl` or instance `baseURL`).
 * @throws ZumRailsConfigError when `options.apiRetry` or `options.logger` is invalid.
 */
export function attachZumRailsAuth(
  instance: AxiosInstance,
  tokens: ZumRailsTokenSource,
  options: AttachZumRailsAuthOptions = {},
): () => void {
  const pipeline = new RequestPipeline(instance, tokens, options);
  // One interceptor pair: the order of every step is the order of the code below, not of
  // axios' rule for several interceptors (requests last-registered first, answers in order).
  const requestId = instance.interceptors.request.use(pipeline.onRequest);
  const responseId = instance.interceptors.response.use(pipeline.onResponse, pipeline.onError);
  let attached = true;
  return () => {
    if (!attached) return;
    attached = false;
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}

/**
 * Every step of a call, in order. Before sending: secrets noted, retry deadline stamped,
 * `idempotency-key` checked, origin and proxy rule, bearer, rate budget slot, overall deadline
 * started. On an answer: deadline ended, slot released, envelope judged, a stream body guarded.
 * On a failure: deadline abort as a timeout, slot released (a 429 pauses its rules), one
 * recovery after a 401, safe retries, then a secret-free error and the deadline ended.
 */
class RequestPipeline {
  private readonly redactor: SecretRedactor;
  private readonly origins: OriginGuard;
  private readonly retrier: ReturnType<typeof createApiRetrier>;
  private readonly limiter: ApiRateLimiter | undefined;
  private readonly deadlines: RequestDeadlines | undefined;
  private readonly cooldown = new UnauthorizedCooldown();
  private lastToken = '';
  private lastHeader = '';

  constructor(
    private readonly instance: AxiosInstance,
    private readonly tokens: ZumRailsTokenSource,
    options: AttachZumRailsAuthOptions,
  ) {
    this.retrier = createApiRetrier(instance, options);
    const context = authContextOf(tokens);
    this.redactor = context?.redactor ?? new SecretRedactor();
    const allowed = allowedOrigin(options.baseUrl ?? context?.baseUrl ?? instance.defaults.baseURL);
    this.origins = new OriginGuard(allowed, this.redactor);
    const found = options.rateLimiter ?? rateLimiterOf(tokens);
    // No rules, no limiter: the request path does not even look.
    this.limiter = found && found.budgets.length > 0 ? found : undefined;
    if (options.abortAtDeadline) {
      this.deadlines = new RequestDeadlines(options.requestTimeoutMs ?? this.retrier.budgetMs);
    }
  }

  readonly onRequest = (config: Config): Config | Promise<Config> => {
    config.zumRailsSecrets = this.redactor; // any error of this call redacts the module's secrets
    this.retrier.stamp(config); // a first attempt: when its retries must be over
    checkIdempotencyKey(config, this.redactor);
    if (config.zumRailsAuth === false) {
      this.deadlines?.start(config);
      return config;
    }
    this.origins.check(config); // nothing goes to another origin, nor follows a redirect there
    this.origins.checkProxy(config, this.instance.defaults.proxy);
    return this.authorize(config);
  };

  /**
   * The bearer (one login for every caller) and the rate budget's slot. Promise reactions, not
   * an async function: the common call (no rule matches) costs one reaction.
   */
  private authorize(config: Config): Promise<Config> {
    return Promise.resolve(this.tokens.getToken()).then((token) => {
      const admission = this.limiter?.admit(config);
      if (admission === undefined) return this.sign(config, token);
      // The wait for a slot may have outlived that token.
      return admission.then(() => this.tokens.getToken()).then((fresh) => this.sign(config, fresh));
    });
  }

  /** The bearer, a POST's `idempotency-key`, then the overall deadline. */
  private sign(config: Config, token: string): Config {
    if (token !== this.lastToken) {
      this.lastToken = token;
      this.lastHeader = BEARER + token;
    }
    const headers = config.headers;
    headers.set('Authorization', this.lastHeader);
    if (config.method === 'post' && !headers.has(IDEMPOTENCY_KEY)) {
      headers.set(IDEMPOTENCY_KEY, randomUUID());
    }
    // From here on: the token and slot waits before have bounds of their own.
    this.deadlines?.start(config);
    return config;
  }

  readonly onResponse = (response: AxiosResponse): AxiosResponse => {
    const stream = isStreamResponse(response);
    this.deadlines?.answered(response, stream); // a stream's body stays under it until it ends
    this.limiter?.release(response.config, true);
    const checked = checkEnvelope(response); // a 2xx envelope with isError: ZumRailsApiError
    if (!stream) return checked;
    const token = carriedToken(checked.config);
    // axios reports the deadline on a body as a cancellation: say it was the deadline.
    return guardStreamBody(checked, (error) =>
      toZumRailsError(asDeadlineTimeout(error) as AxiosError, token, this.redactor),
    );
  };

  readonly onError = (error: unknown): Promise<AxiosResponse> => {
    // A cancellation by the overall deadline is a timeout (not retried: no time is left).
    const failure = this.deadlines ? asDeadlineTimeout(error) : error;
    return this.recover(failure).catch((final: unknown) => {
      // Failed for good, retries included: its overall deadline goes now, not when it fires.
      endRequestDeadline((failure as { config?: Config } | null)?.config);
      throw final;
    });
  };

  private async recover(error: unknown): Promise<AxiosResponse> {
    if (!isAxiosError(error)) throw error;
    const refused = crossOriginCause(error);
    if (refused) throw refused;
    const config = error.config as Config | undefined;
    const limiter = this.limiter;
    if (limiter && config) {
      limiter.release(config, error.response !== undefined);
      if (error.response?.status === 429) {
        limiter.tooManyRequests(config, error.response.headers['retry-after']);
      }
    }
    const token = config && carriedToken(config);
    if (config && token !== undefined && isRecoverable(error, config)) {
      if (config[RETRIED] === true) this.cooldown.refused(token);
      else if (this.cooldown.allowsRecovery(token)) {
        this.tokens.invalidate(token);
        await this.tokens.getToken();
        return this.instance.request({ ...config, [RETRIED]: true } as Config);
      }
    }
    const retry = config && (await this.retrier.next(error, config));
    if (typeof retry === 'object') return this.instance.request(retry);
    const failure = toZumRailsError(error, token, this.redactor);
    if (retry) failure.message += `; ${retry}`; // why a Retry-After was not honoured
    throw failure;
  }
}

/**
 * Bounds logins caused by an API that answers 401 whatever the token (an endpoint the API user
 * may not call, say): once the retry with a freshly obtained token is refused too, later 401s
 * for that same token go straight to the caller for `cooldownMs`, instead of costing one login
 * each on the rate-limited login endpoint. Other tokens are unaffected.
 */
class UnauthorizedCooldown {
  private token?: string;
  private until = 0;

  constructor(private readonly cooldownMs = UNAUTHORIZED_COOLDOWN_MS) {}

  /** The retry carrying `token`, obtained just after a 401, was answered 401 as well. */
  refused(token: string): void {
    this.token = token;
    this.until = Date.now() + this.cooldownMs;
  }

  /** Whether a 401 for `token` may invalidate it and cost a new login. */
  allowsRecovery(token: string): boolean {
    return token !== this.token || Date.now() >= this.until;
  }
}

function allowedOrigin(baseUrl: string | undefined): string {
  const origin = originOf(baseUrl);
  if (origin) return origin;
  throw new TypeError(
    'attachZumRailsAuth needs the Zum Rails origin: pass the TokenService, { baseUrl }, or an ' +
      'instance created with an absolute http(s) baseURL',
  );
}

/** A 401 on a request that used our bearer and whose body can be sent again. */
function isRecoverable(error: AxiosError, config: Config): boolean {
  return error.response?.status === 401 && config.zumRailsAuth !== false && !isStream(config.data);
}

/**
 * Refuses, before anything is sent, a request whose `idempotency-key` Zum Rails would not
 * keep: a retried payment would then be executed twice.
 * @throws ZumRailsHttpError with code `invalid-request`.
 */
function checkIdempotencyKey(config: Config, redactor: SecretRedactor): void {
  const key: unknown = config.headers.get(IDEMPOTENCY_KEY);
  if (typeof key !== 'string' || key.length <= MAX_IDEMPOTENCY_KEY_CHARS) return;
  const message =
    `idempotency-key is ${key.length} characters long; Zum Rails keeps at most ` +
    `${MAX_IDEMPOTENCY_KEY_CHARS} (a UUID): nothing was sent`;
  throw invalidRequestError(message, config, redactor);
}
