import { logRecord, type ZumRailsLogRecord } from '../logging/log-record.js';
import type { ModuleLogLevel, RecordLogger } from '../logging/module-logger.js';
import type { ZumRailsTokenEvent, ZumRailsTokenOrigin } from './token-events.js';

/** The log line of an event, or undefined when another event's line already says it. */
export interface TokenEventLine {
  readonly level: ModuleLogLevel;
  readonly record: ZumRailsLogRecord;
}

/**
 * One log line per event, at a level an operator wants: a healthy app logs one `log` line per
 * renewal; trouble is `warn`; rejected credentials are `error` (one line: the `renewal-failed`
 * event that follows says nothing more). Fields carry fingerprints only, never tokens.
 */
export function describeTokenEvent(event: ZumRailsTokenEvent): TokenEventLine | undefined {
  switch (event.type) {
    case 'acquired':
      return line(
        'log',
        event,
        `Token acquired (fp ${event.fingerprint})${from(event.origin)}, expires ${iso(event.expiresAt)}`,
        {
          fingerprint: event.fingerprint,
          origin: event.origin,
          expiresAt: iso(event.expiresAt),
        },
      );
    case 'renewed':
      return line(
        'log',
        event,
        `Token renewed (fp ${event.previousFingerprint} -> ${event.fingerprint})${from(event.origin)}, expires ${iso(event.expiresAt)}`,
        {
          fingerprint: event.fingerprint,
          previousFingerprint: event.previousFingerprint,
          origin: event.origin,
          expiresAt: iso(event.expiresAt),
        },
      );
    case 'renewal-failed':
      if (event.error.code === 'credentials-rejected') return undefined;
      return line(
        'warn',
        event,
        `Token renewal failed (${event.error.code}: ${event.error.message}); attempt ${event.attempt}, ` +
          `next retry in ${seconds(event.nextRetryInMs)}; ${event.tokenStillValid ? 'current token still valid' : 'no valid token'}`,
        {
          errorCode: event.error.code,
          status: event.error.status,
          attempt: event.attempt,
          nextRetryInMs: event.nextRetryInMs,
          tokenStillValid: event.tokenStillValid,
        },
      );
    case 'credentials-rejected':
      return line(
        'error',
        event,
        `Zum Rails rejected the API credentials (HTTP ${event.status ?? '?'}); attempt ${event.attempt}, next attempt in ${seconds(event.nextRetryInMs)}`,
        {
          errorCode: 'credentials-rejected',
          status: event.status,
          attempt: event.attempt,
          nextRetryInMs: event.nextRetryInMs,
        },
      );
    case 'expired':
      return line(
        'warn',
        event,
        `Token expired (fp ${event.fingerprint}) before it could be renewed`,
        {
          fingerprint: event.fingerprint,
        },
      );
    case 'cancelled':
      return line('log', event, `Token cancelled (fp ${event.fingerprint})${cancelNote(event)}`, {
        fingerprint: event.fingerprint,
        revoked: event.revoked,
        alreadyInvalid: event.alreadyInvalid,
      });
  }
}

/** Writes an event's line, if it has one; a failing logger is swallowed (it must not crash a timer). */
export function logTokenEvent(logger: RecordLogger, event: ZumRailsTokenEvent): void {
  try {
    const described = describeTokenEvent(event);
    if (described) logger[described.level](described.record);
  } catch {
    // Nothing sensible to do: the logger itself failed.
  }
}

function line(
  level: ModuleLogLevel,
  event: ZumRailsTokenEvent,
  msg: string,
  fields: Parameters<typeof logRecord>[2],
): TokenEventLine {
  return { level, record: logRecord(event.type, msg, fields) };
}

function cancelNote(event: { revoked: boolean; alreadyInvalid: boolean }): string {
  if (event.alreadyInvalid) return '; it was already invalid at Zum Rails';
  return event.revoked ? '' : '; Zum Rails did not confirm the cancellation';
}

function from(origin: ZumRailsTokenOrigin): string {
  return origin === 'store' ? ' from the shared store' : '';
}

function iso(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? `epoch ms ${epochMs}` : date.toISOString();
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
