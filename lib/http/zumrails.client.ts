import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { ZumRailsBadResponseError } from '../errors/zumrails.errors.js';
import { verdictOf } from '../protocol/zumrails-protocol.js';
import { SafeToLog } from '../logging/module-logger.js';
import { apiErrorFromResponse, carriedToken } from './zumrails-http.error.js';

/**
 * The JSON envelope of every Zum Rails answer. `ZumRailsClient` checks it for you and resolves
 * `result`; with `ZumRailsHttpService` it is `response.data`.
 */
export interface ZumRailsEnvelope<T = unknown> {
  /** The HTTP status, repeated (the vendor: check `isError` first, then this). */
  statusCode: number;
  /** e.g. `GET Request successful.`, or the error text. */
  message: string;
  /** `false` on success; anything else is a failure whatever the HTTP status. */
  isError: boolean;
  /** The payload; `null` on errors. */
  result: T;
  /** On errors: a string, or an RFC 7807-like object (`title`, `status`, `detail`, `traceId`). */
  responseException?: { exceptionMessage?: string | Record<string, unknown> };
}

/** A page of a `.../filter` endpoint (e.g. `POST /api/user/filter`): the envelope's `result`. */
export interface ZumRailsPage<T> {
  CurrentPage: number;
  PageSize: number;
  TotalCount: number;
  Items: T[];
}

/**
 * One wallet of `GET /api/wallet` (the result is an array of these). Zum Rails sends more
 * fields than the documented ones; they are kept, typed `unknown`.
 */
export interface ZumRailsWallet {
  Id: string;
  /** e.g. `Operational`. */
  Type: string;
  Balance: number;
  /** e.g. `CAD`. */
  Currency: string;
  [field: string]: unknown;
}

/** Options of {@link ZumRailsClient.paginate}. */
export interface ZumRailsPaginateOptions {
  /** Items asked per page (`Pagination.PageSize`), 1 to 1000. Default 100. */
  pageSize?: number;
  /**
   * Most pages read, 1 to 100000: an answer whose `TotalCount` never comes ends here with a
   * `ZumRailsBadResponseError` instead of looping. Default 1000.
   */
  maxPages?: number;
  /**
   * The axios config of every page's `POST`, e.g. `{ signal }`, or `{ zumRailsTimeoutMs }` so
   * pages may wait longer for a slot of the `rateLimits` in a long export.
   */
  config?: AxiosRequestConfig;
}

const MAX_PAGE_SIZE = 1_000;
const MAX_PAGES = 100_000;

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
 * usable answer (timeout, reset, HTML from a proxy); with a `ZumRailsError` subclass when no
 * token could be obtained. `config` is axios' request config: `zumRailsEnvelope: false`
 * resolves the whole body instead of `result`, `zumRailsRetry: false` disables retries.
 */
@SafeToLog()
export class ZumRailsClient {
  /** @param axios an axios instance with `attachZumRailsAuth` (the module passes its own). */
  constructor(private readonly axios: AxiosInstance) {}

  /**
   * `GET path`, resolving `result`.
   * @throws ZumRailsApiError | ZumRailsHttpError | ZumRailsError (as a rejection).
   */
  get<T = unknown>(path: string, config?: AxiosRequestConfig): Promise<T> {
    return this.send<T>(config, 'get', path);
  }

  /**
   * `POST path` with `body` as JSON, resolving `result`. It carries an `idempotency-key` (yours
   * or a random UUID), reused by every retry, so it is never executed twice because of us.
   * @throws ZumRailsApiError | ZumRailsHttpError | ZumRailsError (as a rejection).
   */
  post<T = unknown>(path: string, body?: unknown, config?: AxiosRequestConfig): Promise<T> {
    return this.send<T>(config, 'post', path, body);
  }

  /**
   * `PUT path` with `body`, resolving `result`; retried only with an `idempotency-key` header.
   * @throws ZumRailsApiError | ZumRailsHttpError | ZumRailsError (as a rejection).
   */
  put<T = unknown>(path: string, body?: unknown, config?: AxiosRequestConfig): Promise<T> {
    return this.send<T>(config, 'put', path, body);
  }

  /**
   * `PATCH path` with `body`, resolving `result`; retried only with an `idempotency-key` header.
   * @throws ZumRailsApiError | ZumRailsHttpError | ZumRailsError (as a rejection).
   */
  patch<T = unknown>(path: string, body?: unknown, config?: AxiosRequestConfig): Promise<T> {
    return this.send<T>(config, 'patch', path, body);
  }

  /**
   * `DELETE path`, resolving `result`; retried only with an `idempotency-key` header.
   * @throws ZumRailsApiError | ZumRailsHttpError | ZumRailsError (as a rejection).
   */
  delete<T = unknown>(path: string, config?: AxiosRequestConfig): Promise<T> {
    return this.send<T>(config, 'delete', path);
  }

  /**
   * Every item of a `.../filter` endpoint (e.g. `POST /api/user/filter`), page after page:
   * `body` with `Pagination: { PageNumber, PageSize }` set for each page, until `TotalCount`
   * items were read, an empty page, or `maxPages`. Each page is one `POST` through the same
   * pipeline as {@link ZumRailsClient.post} (retries, the `rateLimits` budget: a long export
   * waits for its slots). Breaking out of the loop stops it before the next page.
   *
   * ```ts
   * for await (const user of this.zumRails.paginate<User>('/api/user/filter', { Status: 'Active' })) { ... }
   * ```
   * @throws RangeError when `pageSize` or `maxPages` is out of range.
   * @throws ZumRailsBadResponseError (during the loop) when a page is not `{ TotalCount, Items }`,
   *   or `maxPages` pages did not reach `TotalCount`; else as {@link ZumRailsClient.post}.
   */
  paginate<T = unknown>(
    path: string,
    body: Record<string, unknown> = {},
    options: ZumRailsPaginateOptions = {},
  ): AsyncGenerator<T, void, undefined> {
    const pageSize = bounded('pageSize', options.pageSize ?? 100, MAX_PAGE_SIZE);
    const maxPages = bounded('maxPages', options.maxPages ?? 1_000, MAX_PAGES);
    return this.pages<T>(path, body, pageSize, maxPages, options.config);
  }

  private async *pages<T>(
    path: string,
    body: Record<string, unknown>,
    pageSize: number,
    maxPages: number,
    config: AxiosRequestConfig | undefined,
  ): AsyncGenerator<T, void, undefined> {
    const pagination = isObject(body.Pagination) ? body.Pagination : {};
    let read = 0;
    let total = 0;
    for (let page = 1; page <= maxPages; page++) {
      const payload = {
        ...body,
        Pagination: { ...pagination, PageNumber: page, PageSize: pageSize },
      };
      const result = await this.post<ZumRailsPage<T>>(path, payload, config);
      const { TotalCount, Items: items } = checkPage<T>(result, path);
      total = TotalCount;
      if (items.length === 0) return;
      yield* items;
      read += items.length;
      if (read >= total) return;
    }
    throw new ZumRailsBadResponseError(
      `${path} still had items after ${maxPages} pages (${read} of TotalCount ${total}): raise maxPages if that is real`,
    );
  }

  /**
   * Any request (`method`, `url`, `data`, ...), resolving `result`.
   * @throws ZumRailsApiError | ZumRailsHttpError | ZumRailsError (as a rejection).
   */
  request<T = unknown>(config: AxiosRequestConfig): Promise<T> {
    return this.axios.request(config).then(unwrapResult<T>);
  }

  /**
   * Straight through `request` with one config: axios' method aliases merge the config once
   * more and, in recent axios, wrap the call in an async function, for the same request (their
   * `method`, `url` and `data` win over the config's, as here).
   */
  private send<T>(
    config: AxiosRequestConfig | undefined,
    method: string,
    url: string,
    ...data: [unknown?]
  ): Promise<T> {
    const sent: AxiosRequestConfig = { ...config, method, url };
    if (data.length > 0) sent.data = data[0];
    return this.axios.request(sent).then(unwrapResult<T>);
  }
}

/**
 * `result` of a successful envelope; the raw body with `zumRailsEnvelope: false`. Checked here
 * too (not only in the interceptor), so a custom `validateStatus` or an instance without the
 * interceptors never turns a failure into a value.
 */
function unwrapResult<T>(response: AxiosResponse): T {
  if (response.config.zumRailsEnvelope === false) return response.data as T;
  const { kind, envelope } = verdictOf(response); // the interceptor's, read once
  if (kind === 'success' && envelope) return envelope.result as T;
  throw apiErrorFromResponse(response, carriedToken(response.config));
}

function bounded(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`paginate: ${name} must be an integer from 1 to ${max}, got ${value}`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A page's `TotalCount` and `Items`, or a `ZumRailsBadResponseError` naming the endpoint. */
function checkPage<T>(result: unknown, path: string): { TotalCount: number; Items: readonly T[] } {
  const page = result as Partial<ZumRailsPage<T>> | null;
  if (
    !isObject(page) ||
    !Array.isArray(page.Items) ||
    typeof page.TotalCount !== 'number' ||
    !(page.TotalCount >= 0)
  ) {
    throw new ZumRailsBadResponseError(`${path} did not answer a page ({ TotalCount, Items })`);
  }
  return { TotalCount: page.TotalCount, Items: page.Items };
}
