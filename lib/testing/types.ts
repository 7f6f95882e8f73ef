/** A source of the current time in epoch milliseconds. */
export interface FakeZumRailsClock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

/** HTTPS for {@link FakeZumRails.start}: `tls: true` or these options. */
export interface FakeZumRailsTlsOptions {
  /**
   * PEM private key and certificate to serve (both or neither). Default: a certificate for
   * `localhost`, `127.0.0.1` and `::1` issued at start by the fake's own throwaway CA
   * (`fake.ca`), generated in memory without openssl.
   */
  key?: string | Buffer;
  /** See `key`. */
  cert?: string | Buffer;
  /**
   * Require a client certificate (mutual TLS): the handshake fails without one issued by the
   * fake's CA (`fake.issueClientCertificate()`) or by one of `clientCa`. Default `false`.
   */
  requireClientCertificate?: boolean;
  /** Further PEM CAs whose client certificates are accepted. Default: none. */
  clientCa?: string | Buffer | Array<string | Buffer>;
}

/** Options for {@link FakeZumRails.start}. Every field is optional. */
export interface FakeZumRailsOptions {
  /** Accepted API username. Default `'fake-api-user'`. */
  username?: string;
  /** Accepted API password. Default `'fake-api-password'`. */
  password?: string;
  /** Lifetime of issued JWTs in whole seconds, integer >= 1. Default `3600`, like the real API. */
  tokenTtlSeconds?: number;
  /** Interface to listen on. Default `'127.0.0.1'`. */
  host?: string;
  /** Port to listen on. Default `0` (an ephemeral port; read it back from `url`). */
  port?: number;
  /** Size of the ring buffer behind `requests`, integer >= 0. Default `1000`. */
  maxRecordedRequests?: number;
  /**
   * Clock used for token issue/expiry and `receivedAt`. Default `Date.now`. Share a controllable
   * clock with the code under test to expire tokens without sleeping.
   */
  clock?: FakeZumRailsClock;
  /** Listen on HTTPS (`fake.url` starts with `https://`). Default `false` (plain HTTP). */
  tls?: boolean | FakeZumRailsTlsOptions;
}

/**
 * A failure the fake answers with instead of the normal response. Queue it with
 * `failLogin`, `failApi` or `failCancel`.
 */
export type ZumRailsFault =
  /** Any status. `body`: JSON if not a string, raw text if a string; default the error envelope. */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** HTTP 429 with a `Retry-After` header (default 1 s) and the quota error envelope. */
  | { kind: 'rate-limited'; retryAfterSeconds?: number }
  /**
   * HTTP 200 whose envelope says `isError: true` with `statusCode` (default 400) and `message`
   * (default `Bad Request`), on whatever path it hits: how Zum Rails reports some failures
   * (e.g. "Insufficient funds"). Nothing is executed.
   */
  | { kind: 'is-error-200'; message?: string; statusCode?: number }
  /** An istio-envoy style `text/html` page; default status 502. */
  | { kind: 'html'; status?: number }
  /** No body at all; default status 200. */
  | { kind: 'empty'; status?: number }
  /** Login only: the success envelope whose `result` has no `Token`. */
  | { kind: 'missing-token' }
  /** Answer normally (credentials and bearer still checked) after `ms` milliseconds. */
  | { kind: 'delay'; ms: number }
  /** Never answer; the socket stays open until `stop()`. */
  | { kind: 'hang' }
  /** Destroy the socket with a TCP RST and no response (`ECONNRESET` on the client). */
  | { kind: 'reset' }
  /**
   * Headers at once (default status 200), then one body byte every `intervalMs` (default 500),
   * never the end: defeats an idle-socket timeout, not an overall deadline.
   */
  | { kind: 'trickle'; intervalMs?: number; status?: number }
  /**
   * An error envelope (default status 500) whose `exceptionMessage` is `bytes` characters long;
   * with `gzip`, sent `Content-Encoding: gzip` (a small download that inflates to `bytes`).
   */
  | { kind: 'huge-body'; bytes: number; gzip?: boolean; status?: number }
  /**
   * Login only: a successful login whose JWT carries these claims over the usual ones (e.g.
   * `{ exp: 1e13 }` for an absurd lifetime, or a long padding claim for an oversized token).
   * The token is valid at the fake for `tokenTtlSeconds` as usual.
   */
  | { kind: 'claims'; claims: Record<string, unknown> };

/** One request as the fake received it. */
export interface RecordedRequest {
  /** HTTP method, upper case. */
  method: string;
  /** URL path without the query string, as sent (case preserved). */
  path: string;
  /** Raw request target, query string included. */
  url: string;
  /** Request headers, names lower-cased by Node. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; the raw text if it was not valid JSON; `undefined` if empty. */
  body: unknown;
  /** When the request arrived, epoch ms on the fake's clock (default `Date.now()`). */
  receivedAt: number;
  /** Subject CN of the verified client certificate (HTTPS with client certificates only). */
  clientCertificate?: string;
}

/** What the fake has seen since start or the last `reset()`. */
export interface FakeZumRailsCounters {
  /** Logins that issued a token. */
  logins: number;
  /** Login requests answered without a token (fault, `fail:` username, bad body, bad credentials). */
  failedLogins: number;
  /** Successful `PATCH /api/authorize/canceltoken` calls. */
  cancels: number;
  /** Cancel requests that did not cancel a token (fault or bad bearer). */
  failedCancels: number;
  /** Every request to a protected `/api/...` endpoint, faulted and unauthorized ones included. */
  apiCalls: number;
  /** Protected calls answered 401 because of the bearer (missing, unknown, expired, revoked). */
  apiUnauthorized: number;
  /** Protected calls that carried an expired token. */
  expiredTokenCalls: number;
  /** Protected calls that carried a revoked or cancelled token. */
  revokedTokenCalls: number;
  /** Connections accepted (TCP, or TLS when listening on HTTPS); fewer than requests with keep-alive. */
  connections: number;
  /** `POST /api/transaction` calls that created a transaction. */
  transactionsCreated: number;
  /** `POST /api/transaction` calls whose `idempotency-key` was seen before: answered again, not executed. */
  idempotentReplays: number;
}
