import { describe, expect, it } from '@jest/globals';
import type {
  ObserveCallback,
  ZumRailsMeter,
  ZumRailsMeterProvider,
} from '../../lib/metrics/zumrails-metrics.js';
import { ZumRailsMetrics } from '../../lib/metrics/zumrails-metrics.js';
import {
  ZumRailsInternalError,
  ZumRailsShutDownError,
  ZumRailsUnavailableError,
} from '../../lib/errors/zumrails.errors.js';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';

/** A meter that writes down what is recorded on it. */
function recordingMeter() {
  const added: [string, number, unknown][] = [];
  const callbacks = new Set<ObserveCallback>();
  const counter = (name: string) => ({
    add: (value: number, attributes?: unknown) => added.push([name, value, attributes]),
  });
  const meter: ZumRailsMeter = {
    createCounter: counter,
    createUpDownCounter: counter,
    createHistogram: (name) => ({
      record: (value, attributes) => added.push([name, value, attributes]),
    }),
    createObservableGauge: () => ({
      addCallback: (callback) => callbacks.add(callback),
      removeCallback: (callback) => callbacks.delete(callback),
    }),
  };
  return { meter, added, callbacks };
}

describe('ZumRailsMetrics', () => {
  it('without a meter, every method is a pass-through', async () => {
    const metrics = new ZumRailsMetrics(undefined);
    expect(metrics.enabled).toBe(false);
    await expect(metrics.timeLogin(async () => 'token')).resolves.toBe('token');
    await expect(metrics.waiting(Promise.resolve(1))).resolves.toBe(1);
    metrics.recordApiRetry();
    metrics.observeTokenRemaining(() => 1);
    metrics.stop();
  });

  it('adds the account to every attribute set', async () => {
    const { meter, added } = recordingMeter();
    const metrics = new ZumRailsMetrics(meter, 'payouts');
    await metrics.timeLogin(async () => undefined);
    metrics.recordApiRetry({ reason: 'status_503' });
    expect(added.map(([name, , attributes]) => [name, attributes])).toEqual([
      ['zumrails.auth.logins', { account: 'payouts', outcome: 'success' }],
      ['zumrails.auth.login.duration', { account: 'payouts', outcome: 'success' }],
      ['zumrails.api.retries', { account: 'payouts', reason: 'status_503' }],
    ]);
  });

  it('counts a failed login by outcome, internal failures too, and not one cut short by shutdown', async () => {
    const { meter, added } = recordingMeter();
    const metrics = new ZumRailsMetrics(meter);
    const failing = (error: Error) => () => Promise.reject(error);
    await expect(
      metrics.timeLogin(failing(new ZumRailsUnavailableError('down'))),
    ).rejects.toThrow();
    await expect(metrics.timeLogin(failing(new ZumRailsShutDownError()))).rejects.toThrow();
    await expect(metrics.timeLogin(failing(new ZumRailsInternalError('bug')))).rejects.toThrow();
    const bug = Object.assign(new TypeError('x is not a function'), { code: 'ERR_BUG' });
    await expect(metrics.timeLogin(failing(bug))).rejects.toThrow();
    expect(added.filter(([name]) => name === 'zumrails.auth.logins')).toEqual([
      ['zumrails.auth.logins', 1, { outcome: 'unavailable' }],
      ['zumrails.auth.logins', 1, { outcome: 'internal' }],
      ['zumrails.auth.logins', 1, { outcome: 'internal' }],
    ]);
  });

  it('removes its gauge callback on stop', () => {
    const { meter, callbacks } = recordingMeter();
    const metrics = new ZumRailsMetrics(meter);
    metrics.observeTokenRemaining(() => 5);
    expect(callbacks.size).toBe(1);
    metrics.stop();
    expect(callbacks.size).toBe(0);
  });

  it('takes the MeterProviders of @opentelemetry/api and sdk-metrics (type check)', () => {
    const sdk: ZumRailsMeterProvider = new MeterProvider();
    const api: ZumRailsMeterProvider = {} as ApiMeterProvider;
    expect(typeof sdk.getMeter).toBe('function');
    expect(api).toBeDefined();
  });
});
