import { HttpService } from '@nestjs/axios';
import type { InjectionToken, Provider } from '@nestjs/common';
import axios, {
  type AxiosInstance,
  type AxiosPromise,
  type AxiosRequestConfig,
  type AxiosResponse,
} from 'axios';
import { Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import { ModuleLogger } from '../logging/module-logger.js';
import { ZumRailsMetrics } from '../metrics/zumrails-metrics.js';
import { DEFAULT_OPTIONS } from '../options/option-spec.js';
import { RESOLVED_OPTIONS } from '../options/account-name.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { ApiRateLimiter } from '../ratelimit/api-rate-limiter.js';
import type { TokenService } from '../token/token.service.js';
import { ZumRailsTransport } from '../transport/zumrails-transport.js';
import { SafeToLog, showOnly } from '../logging/module-logger.js';
import { attachZumRailsAuth, type ZumRailsTokenSource } from './request-pipeline.js';
import { CallCancelToken } from './request-deadline.js';
import { ZumRailsClient } from './zumrails.client.js';

/** `HttpService`'s default type arguments, kept so that apps' `data` types stay as they were. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type HttpServiceDefault = any;

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

  /** `GET url`; see `HttpService.get`. */
  override get<T = HttpServiceDefault, D = HttpServiceDefault>(
    url: string,
    config?: AxiosRequestConfig<D>,
  ): Observable<AxiosResponse<T, D>> {
    return this.observe<T, D>(config, 'get', url);
  }

  /** `DELETE url`; see `HttpService.delete`. */
  override delete<T = HttpServiceDefault, D = HttpServiceDefault>(
    url: string,
    config?: AxiosRequestConfig<D>,
  ): Observable<AxiosResponse<T, D>> {
    return this.observe<T, D>(config, 'delete', url);
  }

  /** `HEAD url`; see `HttpService.head`. */
  override head<T = HttpServiceDefault, D = HttpServiceDefault>(
    url: string,
    config?: AxiosRequestConfig<D>,
  ): Observable<AxiosResponse<T, D>> {
    return this.observe<T, D>(config, 'head', url);
  }

  /** `POST url` with `data`; see `HttpService.post`. */
  override post<T = HttpServiceDefault, D = HttpServiceDefault>(
    url: string,
    data?: D,
    config?: AxiosRequestConfig<D>,
  ): Observable<AxiosResponse<T, D>> {
    return this.observe<T, D>(config, 'post', url, data);
  }

  /** `PUT url` with `data`; see `HttpService.put`. */
  override put<T = HttpServiceDefault, D = HttpServiceDefault>(
    url: string,
    data?: D,
    config?: AxiosRequestConfig<D>,
  ): Observable<AxiosResponse<T, D>> {
    return this.observe<T, D>(config, 'put', url, data);
  }

  /** `PATCH url` with `data`; see `HttpService.patch`. */
  override patch<T = HttpServiceDefault, D = HttpServiceDefault>(
    url: string,
    data?: D,
    config?: AxiosRequestConfig<D>,
  ): Observable<AxiosResponse<T, D>> {
    return this.observe<T, D>(config, 'patch', url, data);
  }

  /** Any request; see `HttpService.request`. */
  override request<T = HttpServiceDefault>(
    config: AxiosRequestConfig,
  ): Observable<AxiosResponse<T>> {
    return this.observe<T, unknown>(config);
  }

  /**
   * The common methods above send straight through `axiosRef.request` with one config: axios'
   * method aliases (`instance.get`, ...) merge the config once more (`mergeConfig`, deep copies
   * of `headers` and `params`) and, in recent axios, wrap the call in an async function, for the
   * same request (the alias' `method`, `url` and `data` win over the config's, as there).
   */
  private observe<T, D>(
    given: AxiosRequestConfig<D> | undefined,
    method?: string,
    url?: string,
    ...data: [D?]
  ): Observable<AxiosResponse<T, D>> {
    return new Observable((subscriber) => {
      const config: AxiosRequestConfig<D> = { ...given };
      if (method !== undefined) {
        config.method = method;
        config.url = url;
        if (data.length > 0) config.data = data[0];
      }
      return send(subscriber, config, () => this.axiosRef.request<T>(config));
    });
  }

  /**
   * @internal What `HttpService` does, for its other methods (`postForm`, `query`, ...):
   * see {@link send}.
   */
  protected override makeObservable<T>(
    request: (...args: unknown[]) => AxiosPromise<T>,
    ...args: unknown[]
  ): Observable<AxiosResponse<T>> {
    return new Observable((subscriber) => {
      const last = args.length - 1;
      const config: AxiosRequestConfig = { ...(args[last] as AxiosRequestConfig | undefined) };
      return send(subscriber, config, () => request(...args.slice(0, last), config));
    });
  }
}

/**
 * One subscription's call, as `HttpService.makeObservable` makes it (one cancel token per call
 * unless the caller passes one, cancelled when the subscriber unsubscribes, so `timeout()` or
 * `takeUntil()` abort the request, except for `responseType: 'stream'`), except that a call
 * that has already settled is not cancelled at teardown: `HttpService` does, which builds a
 * `CanceledError` with its stack trace after every call (~18 µs of CPU each, the bulk of the
 * wrapper's cost; see bench/README.md, scenario 1). The one visible difference: a settled
 * call's `config` sent again (say `error.config`) goes out, where `HttpService` would have
 * cancelled its token. The token is a {@link CallCancelToken}, which the call's overall
 * deadline cancels too: one abort per call, not two.
 *
 * Proven the same otherwise on both `@nestjs/axios` lines of the peer range, against the
 * installed `HttpService` over loopback HTTP: the scenarios of test/support/observable-parity
 * (completion, errors, every method's request, unsubscribe and `takeUntil` abort the request,
 * the caller's `cancelToken` and `signal`, streams, the caller's config untouched) run in
 * test/http/observable-cancel.e2e.spec.ts (line 12) and in every consumer app of
 * `npm run test:consumers` (line 4 on Nest 11, 12 on Nest 12). Keep this only while they pass.
 */
function send<T>(
  subscriber: Subscriber<AxiosResponse<T>>,
  config: AxiosRequestConfig,
  call: () => AxiosPromise<T>,
): TeardownLogic {
  let own: CallCancelToken | undefined;
  if (!config.cancelToken) {
    own = new CallCancelToken();
    config.cancelToken = own;
  }
  let settled = false;
  call()
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
    if (!settled && config.responseType !== 'stream') own?.cancelCall();
  };
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
