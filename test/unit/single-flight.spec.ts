import { describe, expect, it } from '@jest/globals';
import { SingleFlight } from '../../lib/token/single-flight.js';

function gate<T>() {
  let open!: (value: T) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('SingleFlight', () => {
  it('shares one attempt between concurrent joins', async () => {
    const flight = new SingleFlight<string>();
    const attempt = gate<string>();
    let attempts = 0;
    const run = () => {
      attempts += 1;
      return attempt.promise;
    };
    const settle = { done: (value: string) => value.toUpperCase(), failed: () => new Error('x') };
    const joined = [flight.join(run, settle), flight.join(run, settle), flight.join(run, settle)];
    attempt.open('token');
    expect(await Promise.all(joined)).toEqual(['TOKEN', 'TOKEN', 'TOKEN']);
    expect(attempts).toBe(1);
  });

  it('is over before settle runs, so reports never see it in progress', async () => {
    const flight = new SingleFlight<string>();
    let seenInProgress: unknown = 'not called';
    await flight.join(async () => 'token', {
      done: (value) => {
        seenInProgress = flight.inProgress;
        return value;
      },
      failed: () => new Error('x'),
    });
    expect(seenInProgress).toBeUndefined();
  });

  it('rejects joiners with the error settle maps, and starts afresh afterwards', async () => {
    const flight = new SingleFlight<string>();
    const settle = { done: (value: string) => value, failed: () => new Error('mapped') };
    await expect(flight.join(() => Promise.reject(new Error('raw')), settle)).rejects.toThrow(
      'mapped',
    );
    await expect(flight.join(async () => 'second', settle)).resolves.toBe('second');
  });

  it('hands waiters the outcome of the next attempt, and releases them on abandon', async () => {
    const flight = new SingleFlight<string>();
    const settle = { done: (value: string) => value, failed: () => new Error('x') };
    const waiting = flight.waitForNext();
    await flight.join(async () => 'next', settle);
    await expect(waiting).resolves.toBe('next');
    const abandoned = flight.waitForNext();
    flight.abandon(new Error('shutting down'));
    await expect(abandoned).rejects.toThrow('shutting down');
  });
});
