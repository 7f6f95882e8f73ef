import { HttpService } from '@nestjs/axios';
import axios, {
  type AxiosInstance,
  type AxiosPromise,
  type AxiosRequestConfig,
  type AxiosResponse,
  type CancelTokenSource,
} from 'axios';
import { Observable } from 'rxjs';

/**
 * The `@nestjs/axios` `HttpService` API (`get`, `post`, `put`, `patch`, `delete`, `request`, ...
 * returning Observables of `AxiosResponse`, plus `axiosRef`) over a dedicated axios instance:
 * `baseURL` is the Zum Rails API of the module options, `Content-Type: application/json`, the
 * configured `requestTimeoutMs`, and the interceptors of {@link attachZumRailsAuth}: a valid
 * bearer on every call, an `idempotency-key` on every POST, one retry after a 401.
 *
 * Errors are secret-free `ZumRailsHttpError`s (an `AxiosError` subclass), or the
 * `ZumRailsAuthError` that prevented getting a token. Pass `{ zumRailsAuth: false }` in a
 * request config to send that request without auth handling.
 *
 * Provided and exported by `ZumRailsAuthModule`; the app's own `HttpService` is untouched.
 *
 * ```ts
 * const { data } = await firstValueFrom(this.zumRails.get('/api/wallet'));
 * ```
 */
export class ZumRailsHttpService extends HttpService {
  /** @param instance a dedicated axios instance with the Zum Rails interceptors attached. */
  constructor(instance: AxiosInstance) {
    super(instance);
  }

  /**
   * @internal What `HttpService` does (one cancel token per call, cancelled when the subscriber
   * unsubscribes, so `timeout()` or `takeUntil()` abort the request), except that a call that
   * has already settled is not cancelled at teardown: `HttpService` does, which builds a
   * `CanceledError` with its stack trace after every successful request (~18 µs of CPU each,
   * the bulk of the wrapper's cost; see bench/README.md, scenario 1).
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
