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
