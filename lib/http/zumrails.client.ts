import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { carriedToken } from './envelope-check.js';
import { SafeToLog } from '../util/safe-to-log.js';
import { apiErrorFromResponse } from './zumrails-api.error.js';

/**
 * The promise API of the Zum Rails API, on the same axios instance (so the same bearer,
 * 401 recovery, `idempotency-key`, retries, timeouts and secret-free errors) as
 * `ZumRailsHttpService`. Each method resolves the envelope's `result`, typed as `T`:
 *
 * ```ts
 * const wallets = await this.zumRails.get<ZumRailsWallet[]>('/api/wallet');
 * ```
 *
 * Provided and exported by `ZumRailsAuthModule`; for an instance of your own that has
 * `attachZumRailsAuth`, `new ZumRailsClient(instance)`.
 *
 * Every method rejects with a `ZumRailsApiError` when Zum Rails answers with an error envelope
 * (`isError` other than `false`, whatever the HTTP status; the vendor text is in `.message`),
 * or when a 2xx body is not an envelope at all; with a `ZumRailsHttpError` when there is no
 * usable answer (timeout, reset, HTML from a proxy); with a `ZumRailsAuthError` subclass when no
 * token could be obtained. `config` is axios' request config: `zumRailsEnvelope: false`
 * resolves the whole body instead of `result`, `zumRailsRetry: false` disables retries.
 */
@SafeToLog()
export class ZumRailsClient {
  /** @param axios an axios instance with `attachZumRailsAuth` (the module passes its own). */
  constructor(private readonly axios: AxiosInstance) {}

  /**
   * `GET path`, resolving `result`.
   * @throws ZumRailsApiError | ZumRailsHttpError | ZumRailsAuthError (as a rejection).
   */
  get<T = unknown>(path: string, config?: AxiosRequestConfig): Promise<T> {
    return this.axios.get(path, config).then(unwrapResult<T>);
  }

  /**
   * `POST path` with `body` as JSON, resolving `result`. It carries an `idempotency-key` (yours
   * or a random UUID), reused by every retry, so it is never executed twice because of us.
   * @throws ZumRailsApiError | ZumRailsHttpError | ZumRailsAuthError (as a rejection).
   */
  post<T = unknown>(path: string, body?: unknown, config?: AxiosRequestConfig): Promise<T> {
    return this.axios.post(path, body, config).then(unwrapResult<T>);
  }

  /**
   * `PUT path` with `body`, resolving `result`; retried only with an `idempotency-key` header.
   * @throws ZumRailsApiError | ZumRailsHttpError | ZumRailsAuthError (as a rejection).
   */
  put<T = unknown>(path: string, body?: unknown, config?: AxiosRequestConfig): Promise<T> {
    return this.axios.put(path, body, config).then(unwrapResult<T>);
  }

  /**
   * `PATCH path` with `body`, resolving `result`; retried only with an `idempotency-key` header.
   * @throws ZumRailsApiError | ZumRailsHttpError | ZumRailsAuthError (as a rejection).
   */
  patch<T = unknown>(path: string, body?: unknown, config?: AxiosRequestConfig): Promise<T> {
    return this.axios.patch(path, body, config).then(unwrapResult<T>);
  }

  /**
   * `DELETE path`, resolving `result`; retried only with an `idempotency-key` header.
   * @throws ZumRailsApiError | ZumRailsHttpError | ZumRailsAuthError (as a rejection).
   */
  delete<T = unknown>(path: string, config?: AxiosRequestConfig): Promise<T> {
    return this.axios.delete(path, config).then(unwrapResult<T>);
  }

  /**
   * Any request (`method`, `url`, `data`, ...), resolving `result`.
   * @throws ZumRailsApiError | ZumRailsHttpError | ZumRailsAuthError (as a rejection).
   */
  request<T = unknown>(config: AxiosRequestConfig): Promise<T> {
    return this.axios.request(config).then(unwrapResult<T>);
  }
}

/**
 * `result` of a successful envelope; the raw body with `zumRailsEnvelope: false`. Checked here
 * too (not only in the interceptor), so a custom `validateStatus` or an instance without the
 * interceptors never turns a failure into a value.
 */
function unwrapResult<T>(response: AxiosResponse): T {
  const data = response.data as { isError?: unknown; result?: unknown } | null;
  if (response.config.zumRailsEnvelope === false) return data as T;
  if (data !== null && typeof data === 'object' && data.isError === false) return data.result as T;
  throw apiErrorFromResponse(response, carriedToken(response.config));
}
