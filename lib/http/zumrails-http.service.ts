import { HttpService } from '@nestjs/axios';
import type { AxiosInstance } from 'axios';

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
}
