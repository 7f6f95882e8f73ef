import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { errorEnvelope, JSON_TYPE } from './envelopes.js';
import type { ZumRailsFault } from './types.js';

/** The faults of an attacker or a broken proxy: slow, endless or huge answers. */
type HostileFault = Extract<ZumRailsFault, { kind: 'trickle' | 'huge-body' }>;

/** Whether `fault` is one of the hostile kinds answered here. */
export function isHostile(fault: ZumRailsFault): fault is HostileFault {
  return fault.kind === 'trickle' || fault.kind === 'huge-body';
}

/**
 * Answers `res` according to a hostile fault. `track` registers an interval so the fake's
 * `stop()` can clear it.
 */
export function writeHostileFault(
  _req: IncomingMessage,
  res: ServerResponse,
  fault: HostileFault,
  track: (timer: NodeJS.Timeout) => void,
): void {
  if (fault.kind === 'trickle')
    return trickle(res, fault.status ?? 200, fault.intervalMs ?? 500, track);
  const envelope = errorEnvelope(fault.status ?? 500);
  envelope.responseException = { exceptionMessage: 'x'.repeat(fault.bytes) };
  const json = Buffer.from(JSON.stringify(envelope), 'utf8');
  const body = fault.gzip === true ? gzipSync(json) : json;
  const headers: Record<string, string | number> = {
    'content-type': JSON_TYPE,
    'content-length': body.length,
  };
  if (fault.gzip === true) headers['content-encoding'] = 'gzip';
  res.writeHead(fault.status ?? 500, headers);
  res.end(body);
}

/** Headers at once, then one byte of a JSON-looking body every `intervalMs`, never the end. */
function trickle(
  res: ServerResponse,
  status: number,
  intervalMs: number,
  track: (timer: NodeJS.Timeout) => void,
): void {
  res.writeHead(status, { 'content-type': JSON_TYPE });
  res.write('{');
  const timer = setInterval(() => {
    if (res.destroyed) clearInterval(timer);
    else res.write(' ');
  }, intervalMs);
  track(timer);
  res.on('close', () => clearInterval(timer));
}
