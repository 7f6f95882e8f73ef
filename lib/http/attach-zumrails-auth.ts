import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { AxiosError, isAxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import type { ZumRailsApiRetryOptions } from '../options/zumrails-auth-options.interface.js';
import { rateLimiterOf, type ApiRateLimiter } from '../ratelimit/api-rate-limiter.js';
import { authContextOf } from '../token/token.service.js';
import type { TokenService } from '../token/token.service.js';
import { SecretRedactor } from '../util/redact.js';
import { createApiRetrier, isStream, type RetryConfig, type RetryCounter } from './api-retry.js';
import { carriedToken, checkEnvelope } from './envelope-check.js';
import { crossOriginCause, guardOrigin, guardProxy, originOf } from './origin-guard.js';
import { asDeadlineTimeout, endRequestDeadline } from './request-deadline.js';
import { noteRequestSecrets } from './request-secrets.js';
import { guardStreamBody, isStreamResponse } from './stream-body.js';
import { UnauthorizedCooldown } from './unauthorized-cooldown.js';
import { toZumRailsError } from './zumrails-api.error.js';
import { ZumRailsHttpError } from './zumrails-http.error.js';

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
}

/** Config key marking the one retry after a 401 (a string key: axios' merge drops symbols). */
const RETRIED = 'zumRailsAuthRetried';
const BEARER = 'Bearer ';
const IDEMPOTENCY_KEY = 'idempotency-key';

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
 * - every `AxiosError` is replaced by a secret-free {@link ZumRailsHttpError}; errors of
 *   `getToken()` (`ZumRailsAuthError` subclasses) reach the caller unchanged.
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
  const cooldown = new UnauthorizedCooldown();
  const retrier = createApiRetrier(instance, options);
  const context = authContextOf(tokens);
  const redactor = context?.redactor ?? new SecretRedactor();
  const allowed = allowedOrigin(options.baseUrl ?? context?.baseUrl ?? instance.defaults.baseURL);
  const found = options.rateLimiter ?? rateLimiterOf(tokens);
  // No rules, no limiter: the request path does not even look.
  const limiter = found && found.budgets.length > 0 ? found : undefined;
  let lastToken = '';
  let lastHeader = '';

  const onRequest = async (config: Config): Promise<Config> => {
    noteRequestSecrets(config, redactor);
    retrier.stamp(config);
    checkIdempotencyKey(config, redactor);
    if (config.zumRailsAuth === false) return config;
    guardOrigin(config, allowed, redactor);
    guardProxy(config, instance.defaults.proxy, allowed, redactor);
    let token = await tokens.getToken();
    const admission = limiter?.admit(config);
    if (admission) {
      await admission;
      token = await tokens.getToken(); // the wait may have outlived that token
    }
    if (token !== lastToken) {
      lastToken = token;
      lastHeader = BEARER + token;
    }
    const headers = config.headers;
    headers.set('Authorization', lastHeader);
    if (config.method === 'post' && !headers.has(IDEMPOTENCY_KEY)) {
      headers.set(IDEMPOTENCY_KEY, randomUUID());
    }
    return config;
  };

  const onResponse = (response: AxiosResponse): AxiosResponse => {
    limiter?.release(response.config, true);
    const checked = checkEnvelope(response);
    if (!isStreamResponse(checked)) return checked;
    const token = carriedToken(checked.config);
    // axios reports the deadline on a body as a cancellation: say it was the deadline.
    return guardStreamBody(checked, (error) =>
      toZumRailsError(asDeadlineTimeout(error) as AxiosError, token, redactor),
    );
  };

  const onError = (error: unknown): Promise<AxiosResponse> =>
    recover(error).catch((failure: unknown) => {
      // Failed for good, retries included: its overall deadline goes now, not when it fires.
      endRequestDeadline((error as { config?: Config } | null)?.config);
      throw failure;
    });

  const recover = async (error: unknown): Promise<AxiosResponse> => {
    if (!isAxiosError(error) || error instanceof ZumRailsHttpError) throw error;
    const refused = crossOriginCause(error);
    if (refused) throw refused;
    const config = error.config as Config | undefined;
    if (limiter && config) {
      limiter.release(config, error.response !== undefined);
      if (error.response?.status === 429) {
        limiter.tooManyRequests(config, error.response.headers['retry-after']);
      }
    }
    const token = config && carriedToken(config);
    if (config && token !== undefined && isRecoverable(error, config)) {
      if (config[RETRIED] === true) cooldown.refused(token);
      else if (cooldown.allowsRecovery(token)) {
        tokens.invalidate(token);
        await tokens.getToken();
        return instance.request({ ...config, [RETRIED]: true } as Config);
      }
    }
    const retry = config && (await retrier.next(error, config));
    if (retry) return instance.request(retry);
    const failure = toZumRailsError(error, token, redactor);
    const refusal = retrier.refusalOf(error);
    if (refusal) failure.message += `; ${refusal}`;
    throw failure;
  };

  const requestId = instance.interceptors.request.use(onRequest);
  const responseId = instance.interceptors.response.use(onResponse, onError);
  let attached = true;
  return () => {
    if (!attached) return;
    attached = false;
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
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

/** Zum Rails keeps an `idempotency-key` of at most 36 characters (a UUID). */
const MAX_IDEMPOTENCY_KEY_CHARS = 36;

/**
 * Refuses, before anything is sent, a request whose `idempotency-key` Zum Rails would not
 * keep: a retried payment would then be executed twice.
 * @throws ZumRailsHttpError with code `ERR_BAD_OPTION_VALUE`.
 */
function checkIdempotencyKey(config: Config, redactor: SecretRedactor): void {
  const key: unknown = config.headers.get(IDEMPOTENCY_KEY);
  if (typeof key !== 'string' || key.length <= MAX_IDEMPOTENCY_KEY_CHARS) return;
  const message =
    `idempotency-key is ${key.length} characters long; Zum Rails keeps at most ` +
    `${MAX_IDEMPOTENCY_KEY_CHARS} (a UUID): nothing was sent`;
  throw new ZumRailsHttpError(
    new AxiosError(message, AxiosError.ERR_BAD_OPTION_VALUE, config),
    undefined,
    redactor,
  );
}
