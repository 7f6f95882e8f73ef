import { randomUUID } from 'node:crypto';
import type { SchedulerRegistry } from '@nestjs/schedule';
import { ZumRailsError } from '../errors/zumrails.errors.js';
import { clampDelay } from './renewal-plan.js';
import { deferred, type Deferred } from '../util/waiting.js';

/** What happens when an attempt ends; runs after the flight is over, before callers resume. */
interface FlightSettlement<R, T> {
  done(result: R): T;
  failed(error: unknown): Error;
}

/**
 * Single flight: one acquisition at a time, shared by every caller and the timer. Callers that
 * arrive while backing off can wait for the next attempt, whoever starts it.
 */
export class SingleFlight<T> {
  private current?: Promise<T>;
  private next?: Deferred<T>;

  /** The attempt in progress, if any. */
  get inProgress(): Promise<T> | undefined {
    return this.current;
  }

  /**
   * Joins the attempt in progress, or starts one. The flight counts as over before `settle`
   * runs, so what settle reports (events, status) never sees it still in progress.
   */
  join<R>(attempt: () => Promise<R>, settle: FlightSettlement<R, T>): Promise<T> {
    if (!this.current) {
      const flight = attempt().then(
        (result) => {
          this.current = undefined;
          return settle.done(result);
        },
        (error: unknown) => {
          this.current = undefined;
          throw settle.failed(error);
        },
      );
      flight.catch(() => undefined); // settle reports failures; nobody waiting is not an error
      this.current = flight;
      this.next?.resolve(flight);
      this.next = undefined;
    }
    return this.current;
  }

  /** Whether callers wait for a next attempt. */
  get hasWaiters(): boolean {
    return this.next !== undefined;
  }

  /** The outcome of the next attempt. */
  waitForNext(): Promise<T> {
    this.next ??= deferred<T>();
    return this.next.promise;
  }

  /** Releases callers waiting for a next attempt that will never come. */
  abandon(reason: Error): void {
    this.next?.reject(reason);
    this.next = undefined;
  }
}

/**
 * Failures a caller without a valid token waits across (until a token or `tokenWaitTimeoutMs`):
 * Zum Rails unavailable (5xx, timeout, reset) and rate limits. Rejected credentials, bad
 * responses, internal errors and shutdown fail callers at once.
 */
export function isTransient(error: unknown): error is ZumRailsError {
  return (
    error instanceof ZumRailsError &&
    (error.code === 'unavailable' || error.code === 'rate-limited')
  );
}

/**
 * Callers waiting for a token, released all at once at shutdown: after shutdown no caller
 * receives a token, however late a login answers.
 */
export class CallerRelease {
  private readonly waiting = new Set<(reason: Error) => void>();

  /** Settles like `attempt`, or rejects when `releaseAll` runs first. */
  guard<T>(attempt: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      attempt.then(resolve, reject).finally(() => this.waiting.delete(reject));
    });
  }

  releaseAll(reason: Error): void {
    for (const reject of this.waiting) reject(reason);
    this.waiting.clear();
  }
}

/**
 * The one renewal timer of a ZumRailsTokenService: a named timeout in `SchedulerRegistry`, replaced
 * (never stacked), unref'd so it never keeps the process alive.
 */
export class RenewalTimer {
  /** Unique per instance so several modules (or tests) never collide in a shared registry. */
  readonly name: string;

  constructor(
    private readonly registry: SchedulerRegistry,
    account: string,
  ) {
    this.name = `zumrails-auth:renewal:${account}:${randomUUID()}`;
  }

  schedule(delayMs: number, task: () => void): void {
    this.clear();
    const handle = setTimeout(() => {
      this.clear();
      task();
    }, clampDelay(delayMs));
    handle.unref();
    this.registry.addTimeout(this.name, handle);
  }

  get isScheduled(): boolean {
    return this.registry.doesExist('timeout', this.name);
  }

  clear(): void {
    if (this.isScheduled) this.registry.deleteTimeout(this.name);
  }
}
