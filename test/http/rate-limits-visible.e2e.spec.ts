import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { ZumRailsClient, ZumRailsHealthIndicator } from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { startAuthApp, type AuthApp } from '../support/auth-app.js';
import { rejectionOf, until } from '../support/zumrails-assertions.js';

/** Metrics read back from a real SDK MeterProvider (exported when the test asks). */
class Probe {
  private readonly exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  private readonly reader = new PeriodicExportingMetricReader({
    exporter: this.exporter,
    exportIntervalMillis: 3_600_000,
  });
  readonly provider = new MeterProvider({ readers: [this.reader] });

  async points(name: string): Promise<DataPoint<unknown>[]> {
    await this.reader.forceFlush();
    const scopes = this.exporter.getMetrics().at(-1)?.scopeMetrics ?? [];
    this.exporter.reset();
    const metric = scopes.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === name);
    return (metric?.dataPoints ?? []) as DataPoint<unknown>[];
  }
}

describe('rate limits are visible: metrics, health, logs', () => {
  let fake: FakeZumRails;
  let auth: AuthApp | undefined;
  let probe: Probe;

  beforeEach(async () => {
    fake = await FakeZumRails.start();
    probe = new Probe();
  });
  afterEach(async () => {
    await auth?.app.close();
    auth = undefined;
    await probe.provider.shutdown();
    await fake.stop();
  });

  it('counts waits, wait time, local rejections and the remaining budget per rule; health shows it', async () => {
    auth = await startAuthApp(fake, {
      meterProvider: probe.provider,
      rateLimits: {
        rules: [
          { path: '/api/echo/*', limit: 2, windowMs: 300 },
          { path: '/api/transaction/*', methods: ['GET'], limit: 100, windowMs: 60_000 },
        ],
      },
    });
    const zumRails = auth.app.get(ZumRailsClient);
    const calls = [1, 2, 3].map((i) => zumRails.get(`/api/echo/${i}`)); // the third waits
    // Fourth in line, allowed 50 ms: refused at once.
    const refused = await rejectionOf(zumRails.get('/api/echo/4', { zumRailsTimeoutMs: 100 }));
    expect(refused).toMatchObject({ source: 'api-budget' });
    await Promise.all(calls);

    const [waits] = await probe.points('zumrails.api.ratelimit.wait');
    expect(waits?.attributes).toEqual({ rule: '/api/echo/*' });
    expect((waits?.value as Histogram).count).toBe(1);
    expect((waits?.value as Histogram).sum).toBeGreaterThan(0.1);
    const rejections = await probe.points('zumrails.api.ratelimit.rejections');
    expect(rejections.map((point) => [point.attributes, point.value])).toEqual([
      [{ rule: '/api/echo/*' }, 1],
    ]);
    const remaining = await probe.points('zumrails.api.ratelimit.remaining');
    const [echoLeft, transactionsLeft] = remaining.map((point) => point.value as number);
    expect(remaining.map((point) => point.attributes.rule)).toEqual([
      '/api/echo/*',
      'GET /api/transaction/*',
    ]);
    expect(echoLeft).toBeLessThan(2); // calls answered less than a window ago still count
    expect(transactionsLeft).toBe(100); // no echo call counts here

    const health = await auth.app.get(ZumRailsHealthIndicator).isHealthy();
    expect(health.zumrails.rateLimits).toEqual([
      {
        rule: '/api/echo/*',
        limit: 2,
        windowMs: 300,
        remaining: expect.any(Number),
        waiting: 0,
        pausedUntil: null,
      },
      {
        rule: 'GET /api/transaction/*',
        limit: 100,
        windowMs: 60_000,
        remaining: 100,
        waiting: 0,
        pausedUntil: null,
      },
    ]);
    // The window slides: the budget comes back on its own.
    await until(
      async () =>
        (await auth!.app.get(ZumRailsHealthIndicator).isHealthy()).zumrails.rateLimits[0]!
          .remaining === 2,
      3_000,
      'the echo budget back',
    );
  });

  it('health shows a rule paused by a 429 until when', async () => {
    auth = await startAuthApp(fake, {
      rateLimits: { rules: [{ path: '/api/echo/*', limit: 5, windowMs: 1_000 }] },
      apiRetry: false,
    });
    fake.failApi({ kind: 'rate-limited', retryAfterSeconds: 30 });
    await rejectionOf(auth.app.get(ZumRailsClient).get('/api/echo/1'));
    const [rule] = (await auth.app.get(ZumRailsHealthIndicator).isHealthy()).zumrails.rateLimits;
    expect(rule!.remaining).toBe(0);
    const pausedFor = Date.parse(rule!.pausedUntil!) - Date.now();
    expect(pausedFor).toBeGreaterThan(25_000);
    expect(pausedFor).toBeLessThanOrEqual(30_000);
  });

  it('health shows no rule for a fake base URL without rateLimits', async () => {
    auth = await startAuthApp(fake);
    expect((await auth.app.get(ZumRailsHealthIndicator).isHealthy()).zumrails.rateLimits).toEqual(
      [],
    );
  });
});
