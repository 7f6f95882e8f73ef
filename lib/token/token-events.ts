import { Observable, Subject, Subscriber, type Observer, type Subscription } from 'rxjs';
import { ZumRailsInternalError, type ZumRailsError } from '../errors/zumrails.errors.js';
import type { CancelOutcome } from '../protocol/zumrails-protocol.js';
import type { IssuedToken } from './issued-token.js';
import type { ZumRailsFailureSummary, ZumRailsTokenOrigin } from './token-status.js';
import { logRecord, type ZumRailsLogRecord } from '../logging/module-logger.js';
import type { ModuleLogLevel, RecordLogger } from '../logging/module-logger.js';

/** An event as `ZumRailsTokenService` raises it, before it adds the account. */
export type ZumRailsTokenEventBody =
  | {
      type: 'acquired';
      at: number;
      expiresAt: number;
      fingerprint: string;
      origin: ZumRailsTokenOrigin;
    }
  | {
      type: 'renewed';
      at: number;
      expiresAt: number;
      fingerprint: string;
      previousFingerprint: string;
      origin: ZumRailsTokenOrigin;
    }
  | {
      type: 'renewal-failed';
      at: number;
      error: ZumRailsFailureSummary;
      /** Consecutive failed attempts, this one included. */
      attempt: number;
      /** Delay before the next attempt. */
      nextRetryInMs: number;
      /** Whether callers are still being served a valid token. */
      tokenStillValid: boolean;
    }
  | {
      type: 'credentials-rejected';
      at: number;
      status: number | undefined;
      /** Consecutive failed attempts, this one included. */
      attempt: number;
      nextRetryInMs: number;
    }
  | { type: 'expired'; at: number; fingerprint: string }
  | {
      type: 'cancelled';
      at: number;
      fingerprint: string;
      /** Whether the token is known dead at Zum Rails (cancelled now, or already invalid). */
      revoked: boolean;
      /** Zum Rails answered 401: the token was already expired, cancelled or unknown. */
      alreadyInvalid: boolean;
    };

/**
 * Emitted on `ZumRailsTokenService.events$`. Tokens appear only as an 8-hex-char fingerprint.
 * `account` is `'default'` or the `name` given to `forRoot`.
 */
export type ZumRailsTokenEvent = ZumRailsTokenEventBody & { account: string };

/** The `type` of a `ZumRailsTokenEvent`. */
export type ZumRailsTokenEventType = ZumRailsTokenEvent['type'];

/** The log line of an event, or undefined when another event's line already says it. */
interface TokenEventLine {
  readonly level: ModuleLogLevel;
  readonly record: ZumRailsLogRecord;
}

/**
 * One log line per event, at a level an operator wants: a healthy app logs one `log` line per
 * renewal; trouble is `warn`; rejected credentials are `error` (one line: the `renewal-failed`
 * event that follows says nothing more). Fields carry fingerprints only, never tokens.
 */
function describeTokenEvent(event: ZumRailsTokenEvent): TokenEventLine | undefined {
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

type Handler<T> = Partial<Observer<T>> | ((value: T) => void) | null | undefined;

/**
 * An event stream whose direct subscribers cannot crash the process: rxjs reports an
 * exception thrown by a subscriber by rethrowing it from a timer (the process exits). Here
 * it goes to `report` instead, and emitting goes on. (Errors thrown further down a `pipe()`
 * are rxjs's to report: subscribe with a guard of your own there.)
 */
export class GuardedEvents<T> {
  private readonly subject = new Subject<T>();
  /** The public stream. */
  readonly observable: Observable<T>;

  constructor(report: (error: unknown) => void) {
    this.observable = new GuardedObservable(this.subject, report);
  }

  emit(event: T): void {
    this.subject.next(event);
  }

  complete(): void {
    this.subject.complete();
  }
}

class GuardedObservable<T> extends Observable<T> {
  constructor(
    source: Observable<T>,
    private readonly report: (error: unknown) => void,
  ) {
    super((subscriber) => source.subscribe(subscriber));
  }

  override subscribe(observerOrNext?: Handler<T>): Subscription {
    // Operators subscribe with their own Subscriber; guard only the app's own handlers.
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    const observer =
      typeof observerOrNext === 'function' ? { next: observerOrNext } : (observerOrNext ?? {});
    return super.subscribe({
      next: (value) => this.call(() => observer.next?.(value)),
      error: (error: unknown) => this.call(() => observer.error?.(error)),
      complete: () => this.call(() => observer.complete?.()),
    });
  }

  private call(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      try {
        this.report(error);
      } catch {
        // a failing reporter (a broken logger) must not crash the process either
      }
    }
  }
}

/**
 * The token service's voice: raises each event on `events$` with the module's account, writes
 * its log line, and reports what must never crash a timer (a throwing subscriber, a bug during
 * a login).
 */
export class TokenEvents {
  private readonly stream: GuardedEvents<ZumRailsTokenEvent>;
  readonly events$: Observable<ZumRailsTokenEvent>;

  constructor(
    private readonly account: string,
    private readonly logger: RecordLogger,
  ) {
    this.stream = new GuardedEvents<ZumRailsTokenEvent>((error) =>
      logger.error(
        logRecord(
          'subscriber-error',
          `A ZumRailsTokenService.events$ subscriber threw: ${describeThrown(error)}`,
        ),
      ),
    );
    this.events$ = this.stream.observable;
  }

  /** `acquired` (first token) or `renewed` (it replaces `previous`). */
  obtained(
    token: IssuedToken,
    previous: IssuedToken | undefined,
    origin: ZumRailsTokenOrigin,
  ): void {
    const base = { at: Date.now(), expiresAt: token.expiresAt, fingerprint: token.fingerprint };
    this.emit(
      previous
        ? { type: 'renewed', ...base, previousFingerprint: previous.fingerprint, origin }
        : { type: 'acquired', ...base, origin },
    );
  }

  /** `renewal-failed`, preceded by `credentials-rejected` when Zum Rails refused the credentials. */
  failed(
    error: ZumRailsError,
    renewal: {
      readonly consecutiveFailures: number;
      readonly lastFailure?: ZumRailsFailureSummary;
    },
    nextRetryInMs: number,
    tokenStillValid: boolean,
    at: number,
  ): void {
    const attempt = renewal.consecutiveFailures;
    if (error.code === 'credentials-rejected') {
      this.emit({ type: 'credentials-rejected', at, status: error.status, attempt, nextRetryInMs });
    }
    const summary = renewal.lastFailure!;
    this.emit({
      type: 'renewal-failed',
      at,
      error: summary,
      attempt,
      nextRetryInMs,
      tokenStillValid,
    });
  }

  expired(token: IssuedToken, at: number): void {
    this.emit({ type: 'expired', at, fingerprint: token.fingerprint });
  }

  /** `outcome` undefined: the cancel call failed. */
  cancelled(token: IssuedToken, outcome: CancelOutcome | undefined): void {
    this.emit({
      type: 'cancelled',
      at: Date.now(),
      fingerprint: token.fingerprint,
      revoked: outcome !== undefined,
      alreadyInvalid: outcome === 'already-invalid',
    });
  }

  /** Something thrown that is not ours, as `internal`; logged with its stack unless `reported`. */
  internalError(error: unknown, reported: boolean): ZumRailsInternalError {
    if (!reported) {
      const stack = error instanceof Error ? error.stack : undefined;
      const msg = `Unexpected exception during login: ${describeThrown(error)}`;
      this.logger.error(logRecord('login-internal-error', stack ? `${msg}\n${stack}` : msg));
    }
    return new ZumRailsInternalError(error);
  }

  complete(): void {
    this.stream.complete();
  }

  /** Logs an event (one line at most) and raises it with the module's account on it. */
  private emit(body: ZumRailsTokenEventBody): void {
    const event = { ...body, account: this.account } as ZumRailsTokenEvent;
    logTokenEvent(this.logger, event);
    this.stream.emit(event);
  }
}

/** `Name: message` of something thrown, for a log line. */
function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}
