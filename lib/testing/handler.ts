import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { sampleUsers, sampleWallets, zeroCounters } from './defaults.js';
import type { ResolvedFakeOptions } from './defaults.js';
import { sendError, sendJson, successEnvelope } from './envelopes.js';
import { FaultQueue, faultFromUsername, writeFault } from './faults.js';
import { isHostile, writeHostileFault } from './hostile-faults.js';
import { TokenRegistry } from './jwt.js';
import { Ring } from './ring.js';
import { TransactionBook } from './transactions.js';
import { filterPage, isRecord, normalizeRoute, readBearer } from './routes.js';
import type { FakeZumRailsClock, RecordedRequest, ZumRailsFault } from './types.js';

/** One request on its way through the fake. */
interface Call {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly body: unknown;
  readonly badJson: boolean;
}

const API_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const TRANSACTION_PREFIX = '/api/transaction/';
const VALIDATION_MESSAGE = 'Request responded with one or more validation errors.';

/**
 * State and request handling behind `FakeZumRails` (internal). The request path is O(1) apart
 * from reading the body: one Map lookup per bearer, one ring write per request, no logging.
 */
export class FakeZumRailsHandler {
  /** Issued tokens and their expiry/revocation. */
  readonly tokens = new TokenRegistry();
  /** Faults for `POST /api/authorize`. */
  readonly loginFaults = new FaultQueue();
  /** Faults for protected `/api/...` calls. */
  readonly apiFaults = new FaultQueue();
  /** Faults for `PATCH /api/authorize/canceltoken`. */
  readonly cancelFaults = new FaultQueue();
  /** The bounded request log. */
  readonly recorded: Ring<RecordedRequest>;
  /** Time source for tokens and `receivedAt`. */
  readonly clock: FakeZumRailsClock;
  /** Live counters; `FakeZumRails.counters` hands out copies. */
  stats = zeroCounters();
  /** What `GET /api/wallet` answers. */
  wallets = sampleWallets();
  /** What `POST /api/user/filter` pages through. */
  users = sampleUsers();
  /** Lifetime of the next issued token. */
  ttlSeconds: number;
  /** Transactions created by `POST /api/transaction`, and the idempotency keys seen. */
  readonly transactions = new TransactionBook();

  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly customerId = randomUUID();
  private readonly userId = randomUUID();
  private readonly createdAt = new Date().toISOString();

  /** @param options resolved options of the owning fake. */
  constructor(private readonly options: ResolvedFakeOptions) {
    this.ttlSeconds = options.tokenTtlSeconds;
    this.clock = options.clock;
    this.recorded = new Ring(options.maxRecordedRequests);
  }

  /** The `request` listener: reads the body, then answers. */
  readonly receive = (req: IncomingMessage, res: ServerResponse): void => {
    const receivedAt = this.clock.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        this.dispatch(req, res, chunks, receivedAt);
      } catch {
        sendError(res, 500);
      }
    });
  };

  /** Cancels pending delayed answers. */
  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer); // clears intervals too
    this.timers.clear();
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, chunks: Buffer[], at: number): void {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const text = chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    let badJson = false;
    if (text.length > 0) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text;
        badJson = true;
      }
    }
    const method = req.method ?? 'GET';
    const recorded: RecordedRequest = {
      method,
      path,
      url,
      headers: req.headers,
      body,
      receivedAt: at,
    };
    const clientCertificate = peerCommonName(req);
    if (clientCertificate !== undefined) recorded.clientCertificate = clientCertificate;
    this.recorded.push(recorded);
    const call: Call = { req, res, method, path, route: normalizeRoute(path), body, badJson };
    if (call.route === '/api/authorize') this.onLogin(call);
    else if (call.route === '/api/authorize/canceltoken') this.onCancel(call);
    else if (call.route.startsWith('/api/')) this.onApi(call);
    else sendError(res, 404);
  }

  private later(call: Call, ms: number, next: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!call.res.destroyed) next();
    }, ms);
    this.timers.add(timer);
  }

  private onLogin(call: Call): void {
    if (call.method !== 'POST') return sendError(call.res, 405);
    const fault = this.loginFaults.take();
    if (fault === undefined) this.login(call);
    else if (fault.kind === 'delay') this.later(call, fault.ms, () => this.login(call));
    else this.loginFault(call, fault);
  }

  private loginFault(call: Call, fault: ZumRailsFault): void {
    if (fault.kind === 'claims') return this.login(call, fault.claims);
    this.stats.failedLogins++;
    if (fault.kind === 'missing-token') {
      sendJson(call.res, 200, successEnvelope('POST', { Role: 'API', ...this.session() }));
    } else this.writeAnyFault(call, fault);
  }

  private writeAnyFault(call: Call, fault: ZumRailsFault): void {
    if (isHostile(fault)) {
      writeHostileFault(call.req, call.res, fault, (timer) => this.timers.add(timer));
    } else writeFault(call.req, call.res, fault);
  }

  private login(call: Call, claims?: Record<string, unknown>): void {
    const { body, res } = call;
    if (call.badJson || !isRecord(body)) {
      this.stats.failedLogins++;
      return sendError(res, 400, VALIDATION_MESSAGE);
    }
    const magic = typeof body.Username === 'string' ? faultFromUsername(body.Username) : undefined;
    if (magic !== undefined) return this.loginFault(call, magic);
    if (body.Username !== this.options.username || body.Password !== this.options.password) {
      this.stats.failedLogins++;
      return sendError(res, 401);
    }
    const Token = this.tokens.issue(this.userId, this.ttlSeconds, this.clock.now(), claims);
    this.stats.logins++;
    sendJson(res, 200, successEnvelope('POST', { Role: 'API', Token, ...this.session() }));
  }

  private session(): Record<string, unknown> {
    return {
      CustomerId: this.customerId,
      CompanyName: 'Fake Company Inc.',
      CustomerType: 'Customer',
      Username: this.options.username,
      Id: this.userId,
      CreatedAt: this.createdAt,
      LoginType: 'API',
      RefreshToken: randomBytes(32).toString('base64url'),
      IsTwoFactorAuthenticationEnabled: false,
    };
  }

  private onCancel(call: Call): void {
    if (call.method !== 'PATCH') return sendError(call.res, 405);
    const fault = this.cancelFaults.take();
    if (fault === undefined) this.cancel(call);
    else if (fault.kind === 'delay') this.later(call, fault.ms, () => this.cancel(call));
    else {
      this.stats.failedCancels++;
      this.writeAnyFault(call, fault);
    }
  }

  private cancel(call: Call): void {
    const token = readBearer(call.req);
    if (token === undefined || this.tokens.check(token, this.clock.now()) !== 'valid') {
      this.stats.failedCancels++;
      return sendError(call.res, 401);
    }
    this.tokens.revoke(token);
    this.stats.cancels++;
    sendJson(call.res, 200, { statusCode: 200, message: 'Token cancelled', isError: false });
  }

  private onApi(call: Call): void {
    if (!API_METHODS.has(call.method)) return sendError(call.res, 405);
    this.stats.apiCalls++;
    const fault = this.apiFaults.take();
    if (fault === undefined) this.api(call);
    else if (fault.kind === 'delay') this.later(call, fault.ms, () => this.api(call));
    else this.writeAnyFault(call, fault);
  }

  private api(call: Call): void {
    const { res, method, route, body } = call;
    if (!this.authorize(call.req)) return sendError(res, 401);
    if (call.badJson) return sendError(res, 400, VALIDATION_MESSAGE);
    if (method === 'GET' && route === '/api/wallet') {
      sendJson(res, 200, successEnvelope(method, this.wallets));
    } else if (method === 'POST' && route === '/api/user/filter') {
      sendJson(res, 200, successEnvelope(method, filterPage(this.users, body)));
    } else if (method === 'POST' && route === '/api/transaction/filter') {
      const page = filterPage(this.transactions.all(), body);
      sendJson(res, 200, successEnvelope(method, page));
    } else if (method === 'POST' && route === '/api/transaction') {
      const header = call.req.headers['idempotency-key'];
      const key = typeof header === 'string' ? header : undefined;
      const answer = this.transactions.create(body, key, this.stats, this.clock.now());
      sendJson(res, answer.status, answer.envelope);
    } else if (method === 'GET' && route.startsWith(TRANSACTION_PREFIX)) {
      const answer = this.transactions.find(call.path.slice(TRANSACTION_PREFIX.length));
      sendJson(res, answer.status, answer.envelope);
    } else {
      const result = { method, path: call.path, body: body ?? null };
      sendJson(res, 200, { statusCode: 200, message: 'OK', isError: false, result });
    }
  }

  private authorize(req: IncomingMessage): boolean {
    const token = readBearer(req);
    const verdict = token === undefined ? 'unknown' : this.tokens.check(token, this.clock.now());
    if (verdict === 'valid') return true;
    this.stats.apiUnauthorized++;
    if (verdict === 'expired') this.stats.expiredTokenCalls++;
    else if (verdict === 'revoked') this.stats.revokedTokenCalls++;
    return false;
  }
}

/** CN of the verified client certificate on a TLS socket; undefined on plain HTTP. */
function peerCommonName(req: IncomingMessage): string | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.authorized !== true || typeof socket.getPeerCertificate !== 'function')
    return undefined;
  const subject = socket.getPeerCertificate().subject as Record<string, unknown> | undefined;
  return typeof subject?.CN === 'string' ? subject.CN : undefined;
}
