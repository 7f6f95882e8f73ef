import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertTtl, resolveFakeOptions, zeroCounters } from './defaults.js';
import type { ResolvedFakeOptions } from './defaults.js';
import { createFakeServer } from './fake-server.js';
import { validateFault } from './faults.js';
import { FakeZumRailsHandler } from './handler.js';
import { normalizeRoute } from './routes.js';
import type { FakeZumRailsKeyPair, TestCertificateAuthority } from './test-certificates.js';
import {
  sendDuplicateWebhooks,
  sendWebhook,
  type SendDuplicateWebhooksOptions,
  type SendWebhookOptions,
  type WebhookDelivery,
} from './send-webhook.js';
import type {
  FakeZumRailsCounters,
  FakeZumRailsOptions,
  RecordedRequest,
  ZumRailsFault,
} from './types.js';

/**
 * A real HTTP fake of the Zum Rails API on loopback: `POST /api/authorize` issues HS256 JWTs
 * that expire on time, `PATCH /api/authorize/canceltoken` revokes them, every other `/api/...`
 * path needs a valid bearer. `GET /api/wallet`, `POST /api/user/filter` and
 * `POST /api/transaction/filter` (paged: `{ Pagination: { PageNumber, PageSize } }`),
 * `POST /api/transaction` (honouring `idempotency-key`) and `GET /api/transaction/{id}` answer
 * like the real API; other
 * paths echo the request. Faults can be queued per endpoint kind or chosen by a `fail:<status>`
 * login username; counters and a bounded request log show what clients did.
 *
 * Start one per test with {@link FakeZumRails.start} and always {@link FakeZumRails.stop} it.
 */
export class FakeZumRails {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The accepted API username (default `'fake-api-user'`). */
  readonly username: string;
  /** The accepted API password (default `'fake-api-password'`). */
  readonly password: string;
  /**
   * With `tls`: the PEM certificate of the fake's throwaway CA, which issued the server
   * certificate (unless `tls.cert` was given) and accepts the client certificates of
   * {@link FakeZumRails.issueClientCertificate}. Trust it with `new https.Agent({ ca })`.
   * Undefined on plain HTTP.
   */
  readonly ca: string | undefined;

  private readonly handler: FakeZumRailsHandler;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    url: string,
    options: ResolvedFakeOptions,
    private readonly authority: TestCertificateAuthority | undefined,
  ) {
    this.url = url;
    this.ca = authority?.cert;
    this.username = options.username;
    this.password = options.password;
    this.handler = new FakeZumRailsHandler(options);
    server.on('request', this.handler.receive);
    // 'connection' is the TCP accept, on HTTPS too (before the handshake).
    server.on('connection', () => void this.handler.stats.connections++);
  }

  /**
   * Starts a fake listening on `host:port` (default `127.0.0.1`, ephemeral port).
   * @throws {RangeError | TypeError} on invalid options; rejects when the port cannot be bound.
   */
  static async start(options: FakeZumRailsOptions = {}): Promise<FakeZumRails> {
    const resolved = resolveFakeOptions(options);
    const { server, protocol, authority } = createFakeServer(resolved);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(resolved.port, resolved.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
    return new FakeZumRails(server, `${protocol}://${host}:${port}`, resolved, authority);
  }

  /**
   * A client certificate (PEM key and cert) issued by the fake's CA, for mutual TLS tests:
   * `new https.Agent({ ca: fake.ca, ...fake.issueClientCertificate('payments-api') })`.
   * @throws {Error} when the fake does not listen on HTTPS.
   */
  issueClientCertificate(commonName: string): FakeZumRailsKeyPair {
    if (!this.authority) throw new Error('issueClientCertificate needs a fake started with tls');
    return this.authority.issueClient(commonName);
  }

  /** Lifetime in seconds of the next issued token (default 3600); issued tokens keep theirs. */
  get tokenTtlSeconds(): number {
    return this.handler.ttlSeconds;
  }

  /** @throws {RangeError} when not an integer >= 1. */
  set tokenTtlSeconds(seconds: number) {
    assertTtl(seconds);
    this.handler.ttlSeconds = seconds;
  }

  /** A snapshot of the counters since start or the last {@link FakeZumRails.reset}. */
  get counters(): Readonly<FakeZumRailsCounters> {
    return { ...this.handler.stats };
  }

  /** A fresh copy of the recorded requests, most recent last, at most `maxRecordedRequests`. */
  get requests(): readonly RecordedRequest[] {
    return this.handler.recorded.toArray();
  }

  /**
   * Closes the server, destroys every open socket (hung ones included) and cancels pending
   * delays, so nothing keeps the process alive. Idempotent; never rejects.
   */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.handler.clearTimers();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.stopping;
  }

  /**
   * Answers the next `times` logins (default 1; `Infinity`: until cleared) with `fault`, before
   * credentials are checked. Queued behind faults already waiting.
   * @throws {RangeError | TypeError} on an invalid fault or `times`.
   */
  failLogin(fault: ZumRailsFault, times = 1): void {
    validateFault(fault, times, true);
    this.handler.loginFaults.add(fault, times);
  }

  /**
   * Answers the next `times` protected API calls (default 1) with `fault`, before the bearer is
   * checked. `missing-token` is login-only.
   * @throws {RangeError | TypeError} on an invalid fault or `times`.
   */
  failApi(fault: ZumRailsFault, times = 1): void {
    validateFault(fault, times, false);
    this.handler.apiFaults.add(fault, times);
  }

  /**
   * Answers the next `times` cancel-token calls (default 1) with `fault`, before the bearer is
   * checked. `missing-token` is login-only.
   * @throws {RangeError | TypeError} on an invalid fault or `times`.
   */
  failCancel(fault: ZumRailsFault, times = 1): void {
    validateFault(fault, times, false);
    this.handler.cancelFaults.add(fault, times);
  }

  /** Drops every queued login, API and cancel fault. */
  clearFaults(): void {
    this.handler.loginFaults.clear();
    this.handler.apiFaults.clear();
    this.handler.cancelFaults.clear();
  }

  /** Revokes one token: later use answers 401. Unknown tokens are ignored. */
  revokeToken(token: string): void {
    this.handler.tokens.revoke(token);
  }

  /** Revokes every token issued so far; tokens issued afterwards are valid. */
  revokeAllTokens(): void {
    this.handler.tokens.revokeAll();
  }

  /** Replaces what `GET /api/wallet` answers (default: two CAD operational wallets). */
  setWallets(wallets: unknown[]): void {
    this.handler.wallets = [...wallets];
  }

  /** Replaces the users `POST /api/user/filter` pages through (default: three sample users). */
  setUsers(users: unknown[]): void {
    this.handler.users = [...users];
  }

  /**
   * Replaces the transactions `POST /api/transaction/filter` pages through and
   * `GET /api/transaction/{id}` finds (each gets an `Id` unless it has one); default: none but
   * those created by `POST /api/transaction`.
   */
  setTransactions(transactions: unknown[]): void {
    this.handler.transactions.replace(transactions);
  }

  /**
   * Transactions created by `POST /api/transaction` (oldest first, the last 10,000): the body
   * sent plus `Id`, `TransactionStatus` and `CreatedAt`. A repeat with an `idempotency-key`
   * already seen adds none (see `counters.idempotentReplays`).
   */
  transactions(): readonly Record<string, unknown>[] {
    return this.handler.transactions.all();
  }

  /** The most recent request, or the most recent one to `path` (case, query, trailing `/` ignored). */
  lastRequest(path?: string): RecordedRequest | undefined {
    if (path === undefined) return this.handler.recorded.findLast(() => true);
    const route = normalizeRoute(path.split('?')[0] ?? path);
    return this.handler.recorded.findLast((request) => normalizeRoute(request.path) === route);
  }

  /** Tokens issued so far, oldest first; the last 10,000 (older ones answer 401 as unknown). */
  issuedTokens(): readonly string[] {
    return this.handler.tokens.issued();
  }

  /** Whether `token` was issued here and is neither expired nor revoked now. */
  isTokenValid(token: string): boolean {
    return this.handler.tokens.check(token, this.handler.clock.now()) === 'valid';
  }

  /**
   * POSTs a webhook to your app as Zum Rails would: `event` as JSON (a string or Buffer is sent
   * byte for byte), signed with `options.secret` in the `zumrails-signature` header, or with
   * `options.signature` instead (a deliberately wrong one; `false`: no header).
   * Resolves with the app's answer, whatever its status.
   * @throws {Error} (rejects) when the app cannot be reached or does not answer within `timeoutMs`.
   */
  sendWebhook(url: string, event: unknown, options: SendWebhookOptions): Promise<WebhookDelivery> {
    return sendWebhook(url, event, options);
  }

  /**
   * Sends one delivery `options.times` times at once (same bytes, same signature), to `urls` in
   * turn (the replicas of your app), to test that a handler runs once. Resolves every answer.
   * @throws {RangeError} (rejects) for `times` outside 1..100 or no URL.
   */
  sendDuplicateWebhooks(
    urls: string | readonly string[],
    event: unknown,
    options: SendDuplicateWebhooksOptions,
  ): Promise<WebhookDelivery[]> {
    return sendDuplicateWebhooks(urls, event, options);
  }

  /** Zeroes counters, forgets recorded requests and drops faults; tokens stay as they are. */
  reset(): void {
    this.handler.stats = zeroCounters();
    this.handler.recorded.clear();
    this.clearFaults();
  }
}
