import { Observable, Subject, Subscriber, type Observer, type Subscription } from 'rxjs';

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
