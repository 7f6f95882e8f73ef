import { HttpService } from '@nestjs/axios';
import axios, {
  type AxiosInstance,
  type AxiosPromise,
  type AxiosRequestConfig,
  type AxiosResponse,
  type CancelTokenSource,
} from 'axios';
import { Observable } from 'rxjs';
import { SafeToLog } from '../util/safe-to-log.js';
import { shareCancelSource } from './request-deadline.js';

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
