import type { LoggerService } from '@nestjs/common';
import type { ZumRailsTokenEvent, ZumRailsTokenOrigin } from './token-events.js';

type Level = 'log' | 'warn' | 'error';

/**
 * One log line per event, at a level an operator wants: a healthy app logs one `log` line per
 * renewal; trouble is `warn`; rejected credentials are `error`. Fingerprints only, no tokens.
 */
export function describeTokenEvent(event: ZumRailsTokenEvent): { level: Level; message: string } {
  switch (event.type) {
    case 'acquired':
      return {
        level: 'log',
        message: `Token acquired (fp ${event.fingerprint})${from(event.origin)}, expires ${iso(event.expiresAt)}`,
      };
    case 'renewed':
      return {
        level: 'log',
        message: `Token renewed (fp ${event.previousFingerprint} -> ${event.fingerprint})${from(event.origin)}, expires ${iso(event.expiresAt)}`,
      };
    case 'renewal-failed':
      return {
        level: 'warn',
        message:
          `Token renewal failed (${event.error.code}: ${event.error.message}); attempt ${event.attempt}, ` +
          `next retry in ${seconds(event.nextRetryInMs)}; ${event.tokenStillValid ? 'current token still valid' : 'no valid token'}`,
      };
    case 'credentials-rejected':
      return {
        level: 'error',
        message: `Zum Rails rejected the API credentials (HTTP ${event.status ?? '?'}); next attempt in ${seconds(event.nextRetryInMs)}`,
      };
    case 'expired':
      return {
        level: 'warn',
        message: `Token expired (fp ${event.fingerprint}) before it could be renewed`,
      };
    case 'cancelled':
      return {
        level: 'log',
        message: `Token cancelled (fp ${event.fingerprint})${event.revoked ? '' : '; Zum Rails did not confirm the cancellation'}`,
      };
  }
}

/** Writes an event to a Nest logger. */
export function logTokenEvent(logger: LoggerService, event: ZumRailsTokenEvent): void {
  const { level, message } = describeTokenEvent(event);
  logger[level](message);
}

function from(origin: ZumRailsTokenOrigin): string {
  return origin === 'store' ? ' from the shared store' : '';
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
