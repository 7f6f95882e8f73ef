import { HttpService } from '@nestjs/axios';
import type { InjectionToken, Provider } from '@nestjs/common';
import axios, {
  type AxiosInstance,
  type AxiosPromise,
  type AxiosRequestConfig,
  type AxiosResponse,
  type CancelTokenSource,
} from 'axios';
import { Observable } from 'rxjs';
import { ModuleLogger } from '../logging/module-logger.js';
import { ZumRailsMetrics } from '../metrics/zumrails-metrics.js';
import { DEFAULT_OPTIONS } from '../options/defaults.js';
import { RESOLVED_OPTIONS } from '../options/option-tokens.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { ApiRateLimiter } from '../ratelimit/api-rate-limiter.js';
import type { TokenService } from '../token/token.service.js';
import { ZumRailsTransport } from '../transport/zumrails-transport.js';
import { SafeToLog, showOnly } from '../logging/module-logger.js';
import { attachZumRailsAuth, type ZumRailsTokenSource } from './request-pipeline.js';
import { shareCancelSource } from './request-deadline.js';
import { ZumRailsClient } from './zumrails.client.js';

/**
 * The `@nestjs/axios` `HttpService` API (`get`, `post`, `put`, `patch`, `delete`, `request`, ...
 * returning Observables of `AxiosResponse`, plus `axiosRef`) over a dedicated axios instance:
 * `baseURL` is the Zum Rails API of the module options, `Content-Type: application/json`, the
 * configured `requestTimeoutMs`, and the interceptors of {@link attachZumRailsAuth}: a valid
 * bearer on every call, an `idempotency-key` on every POST, one retry after a 401.
 *
 * Errors are secret-free `ZumRailsHttpError`s (an `AxiosError` subclass), or the
 * `ZumRailsError` that prevented getting a token. Pass `{ zumRailsAuth: false }` in a
 * request config to send that request without auth handling.
 *
 * Provided and exported by `ZumRailsAuthModule`; the app's own `HttpService` is untouched.
 *
 * ```ts
 * const { data } = await firstValueFrom(this.zumRails.get('/api/wallet'));
 * ```
 */
@SafeToLog((service: ZumRailsHttpService) => ({ baseURL: service.axiosRef.defaults.baseURL }))
export class ZumRailsHttpService extends HttpService {
  /** @param instance a dedicated axios instance with the Zum Rails interceptors attached. */
  constructor(instance: AxiosInstance) {
    super(instance);
  }

  /**
   * @internal What `HttpService` does (one cancel token per call unless the caller passes one,
   * cancelled when the subscriber unsubscribes, so `timeout()` or `takeUntil()` abort the
   * request, except for `responseType: 'stream'`), except that a call that has already settled
   * is not cancelled at teardown: `HttpService` does, which builds a `CanceledError` with its
   * stack trace after every call (~18 µs of CPU each, the bulk of the wrapper's cost; see
   * bench/README.md, scenario 1). The one visible difference: a settled call's `config` sent
   * again (say `error.config`) goes out, where `HttpService` would have cancelled its token.
   *
   * Proven the same otherwise on both `@nestjs/axios` lines of the peer range, against the
   * installed `HttpService` over loopback HTTP: the scenarios of test/support/observable-parity
   * (completion, errors, unsubscribe and `takeUntil` abort the request, the caller's
   * `cancelToken` and `signal`, streams, the caller's config untouched) run in
   * test/http/observable-cancel.e2e.spec.ts (line 12) and in every consumer app of
   * `npm run test:consumers` (line 4 on Nest 11, 12 on Nest 12). Keep this only while they pass.
   */
  protected override makeObservable<T>(
    request: (...args: unknown[]) => AxiosPromise<T>,
    ...args: unknown[]
  ): Observable<AxiosResponse<T>> {
    return new Observable((subscriber) => {
      const last = args.length - 1;
      const config: AxiosRequestConfig = { ...(args[last] as AxiosRequestConfig | undefined) };
      let source: CancelTokenSource | undefined;
      if (!config.cancelToken) {
        source = axios.CancelToken.source();
        // The call's overall deadline cancels this same source: one abort per call, not two.
        shareCancelSource(source);
        config.cancelToken = source.token;
      }
      let settled = false;
      request(...args.slice(0, last), config)
        .then((response) => {
          settled = true;
          subscriber.next(response);
          subscriber.complete();
        })
        .catch((error: unknown) => {
          settled = true;
          subscriber.error(error);
        });
      return () => {
        if (!settled && config.responseType !== 'stream') source?.cancel();
      };
    });
  }
}

/** A new axios instance for API calls, never the global one nor the app's `HttpService` one. */
function createZumRailsAxios(
  options: ResolvedZumRailsAuthOptions,
  tokens: ZumRailsTokenSource,
  transport: ZumRailsTransport,
  logger: ModuleLogger,
  metrics: ZumRailsMetrics,
  rateLimiter: ApiRateLimiter,
): AxiosInstance {
  const instance = axios.create({
    ...transport.axiosConfig,
    baseURL: options.baseUrl,
    timeout: options.requestTimeoutMs,
    headers: { 'Content-Type': 'application/json' },
    // Counted after decompression; a request may raise it with its own maxContentLength.
    maxContentLength: DEFAULT_OPTIONS.apiMaxContentLength,
  });
  // Its agents' sockets hold past requests with their headers: show the instance by its URL.
  showOnly(instance, 'AxiosInstance', () => ({ baseURL: options.baseUrl }));
  attachZumRailsAuth(instance, tokens, {
    abortAtDeadline: true,
    apiRetry: options.apiRetry,
    requestTimeoutMs: options.requestTimeoutMs,
    logger,
    metrics,
    rateLimiter,
  });
  return instance;
}

/**
 * The account's `rateLimits` (a class token, private to the account's module), registered on
 * its `TokenService` so an app's own `attachZumRailsAuth(instance, tokens)` shares the budget.
 */
export function apiRateLimiterProvider(tokenService: InjectionToken<TokenService>): Provider {
  return {
    provide: ApiRateLimiter,
    useFactory: (
      options: ResolvedZumRailsAuthOptions,
      tokens: TokenService,
      logger: ModuleLogger,
      metrics: ZumRailsMetrics,
    ) => new ApiRateLimiter(options, logger, metrics).register(tokens),
    inject: [RESOLVED_OPTIONS, tokenService, ModuleLogger, ZumRailsMetrics],
  };
}

/**
 * The module's `ZumRailsHttpService`, under `token` (the class for the default account), on
 * the `TokenService` under `tokenService`.
 */
export function zumRailsHttpServiceProvider(
  token: InjectionToken<ZumRailsHttpService>,
  tokenService: InjectionToken<TokenService>,
): Provider {
  return {
    provide: token,
    useFactory: (
      options: ResolvedZumRailsAuthOptions,
      tokens: TokenService,
      transport: ZumRailsTransport,
      logger: ModuleLogger,
      metrics: ZumRailsMetrics,
      limiter: ApiRateLimiter,
    ) =>
      new ZumRailsHttpService(
        createZumRailsAxios(options, tokens, transport, logger, metrics, limiter),
      ),
    inject: [
      RESOLVED_OPTIONS,
      tokenService,
      ZumRailsTransport,
      ModuleLogger,
      ZumRailsMetrics,
      ApiRateLimiter,
    ],
  };
}

/** The account's promise client, under `token`, on the axios instance of its `http` service. */
export function zumRailsClientProvider(
  token: InjectionToken<ZumRailsClient>,
  http: InjectionToken<ZumRailsHttpService>,
): Provider {
  return {
    provide: token,
    useFactory: (service: ZumRailsHttpService) => new ZumRailsClient(service.axiosRef),
    inject: [http],
  };
}
