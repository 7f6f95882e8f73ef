import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorEnvelope, sendError, sendJson, sendRaw, statusTitle } from './envelopes.js';
import type { ZumRailsFault } from './types.js';

interface QueuedFault {
  readonly fault: ZumRailsFault;
  remaining: number;
}

/** Faults waiting for one endpoint kind, first in first out, each with a remaining count. */
export class FaultQueue {
  private readonly entries: QueuedFault[] = [];

  /** Queues `fault` for the next `times` requests (`Infinity`: until cleared). */
  add(fault: ZumRailsFault, times: number): void {
    this.entries.push({ fault, remaining: times });
  }

  /** The fault for the current request, if any; consumes one use. */
  take(): ZumRailsFault | undefined {
    const head = this.entries[0];
    if (head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.entries.shift();
    return head.fault;
  }

  /** Drops every queued fault. */
  clear(): void {
    this.entries.length = 0;
  }
}

function isStatus(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599;
}

function isNonNegative(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Rejects malformed faults and counts when they are queued, not when a request hits them.
 * @throws {RangeError} on an invalid status, delay, Retry-After or `times`.
 * @throws {TypeError} on `missing-token` outside login or an unknown kind.
 */
export function validateFault(fault: ZumRailsFault, times: number, loginOnly: boolean): void {
  if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) {
    throw new RangeError(`times must be an integer >= 1 or Infinity, got ${String(times)}`);
  }
  const fail = (what: string): never => {
    throw new RangeError(`invalid ${fault.kind} fault: ${what}`);
  };
  switch (fault.kind) {
    case 'status':
      if (!isStatus(fault.status)) fail('status must be an integer in 100..599');
      return;
    case 'html':
    case 'empty':
      if (fault.status !== undefined && !isStatus(fault.status)) fail('bad status');
      return;
    case 'rate-limited': {
      const seconds = fault.retryAfterSeconds;
      if (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= 0)) {
        fail('retryAfterSeconds must be an integer >= 0');
      }
      return;
    }
    case 'delay':
      if (!isNonNegative(fault.ms)) fail('ms must be a finite number >= 0');
      return;
    case 'trickle':
      if (
        fault.intervalMs !== undefined &&
        !(isNonNegative(fault.intervalMs) && fault.intervalMs >= 1)
      )
        fail('intervalMs must be a finite number >= 1');
      if (fault.status !== undefined && !isStatus(fault.status)) fail('bad status');
      return;
    case 'huge-body':
      if (!(Number.isInteger(fault.bytes) && fault.bytes >= 0))
        fail('bytes must be an integer >= 0');
      if (fault.status !== undefined && !isStatus(fault.status)) fail('bad status');
      return;
    case 'missing-token':
    case 'claims':
      if (!loginOnly) throw new TypeError(`the ${fault.kind} fault applies to login only`);
      if (fault.kind === 'claims' && (typeof fault.claims !== 'object' || fault.claims === null))
        fail('claims must be an object');
      return;
    case 'is-error-200':
      if (fault.statusCode !== undefined && !isStatus(fault.statusCode)) fail('bad statusCode');
      return;
    case 'hang':
    case 'reset':
      return;
    default:
      throw new TypeError(`unknown fault kind: ${String((fault as { kind: unknown }).kind)}`);
  }
}

const USERNAME_KINDS: Record<string, ZumRailsFault> = {
  'rate-limited': { kind: 'rate-limited' },
  'is-error-200': { kind: 'is-error-200' },
  html: { kind: 'html' },
  empty: { kind: 'empty' },
  'missing-token': { kind: 'missing-token' },
  hang: { kind: 'hang' },
  reset: { kind: 'reset' },
};

/**
 * The fault selected by a magic login username: `fail:<status>` (400..599; `fail:429` adds
 * Retry-After) or `fail:<kind>` for kinds without parameters (`fail:html`, `fail:reset`, ...).
 */
export function faultFromUsername(username: string): ZumRailsFault | undefined {
  if (!username.startsWith('fail:')) return undefined;
  const key = username.slice(5);
  if (/^[45]\d\d$/.test(key)) {
    const status = Number(key);
    return status === 429 ? { kind: 'rate-limited' } : { kind: 'status', status };
  }
  return USERNAME_KINDS[key];
}

function envoyPage(status: number): string {
  const line = `${status} ${statusTitle(status)}`;
  return (
    `<html><head><title>${line}</title></head><body><center><h1>${line}</h1></center>` +
    '<hr><center>istio-envoy</center></body></html>'
  );
}

function writeStatus(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> | undefined,
): void {
  if (body === undefined) sendError(res, status, undefined, headers);
  else if (typeof body === 'string') sendRaw(res, status, body, headers);
  else sendJson(res, status, body, headers);
}

/**
 * Answers `req` according to `fault`. `delay`, `missing-token`, `claims` and the hostile kinds
 * (`trickle`, `huge-body`) are the caller's business and are not handled here.
 */
export function writeFault(req: IncomingMessage, res: ServerResponse, fault: ZumRailsFault): void {
  switch (fault.kind) {
    case 'status':
      writeStatus(res, fault.status, fault.body, fault.headers);
      return;
    case 'rate-limited':
      sendError(res, 429, undefined, { 'retry-after': String(fault.retryAfterSeconds ?? 1) });
      return;
    case 'is-error-200': {
      const envelope = errorEnvelope(fault.statusCode ?? 400, fault.message);
      if (fault.message !== undefined) {
        envelope.responseException = { exceptionMessage: fault.message };
      }
      sendJson(res, 200, envelope);
      return;
    }
    case 'html': {
      const status = fault.status ?? 502;
      sendRaw(res, status, envoyPage(status), {
        'content-type': 'text/html; charset=utf-8',
        server: 'istio-envoy',
      });
      return;
    }
    case 'empty':
      sendRaw(res, fault.status ?? 200, '');
      return;
    case 'reset':
      req.socket.resetAndDestroy();
      return;
    case 'hang':
    case 'delay':
    case 'missing-token':
    case 'claims':
    case 'trickle':
    case 'huge-body':
      return;
  }
}
