import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { Test } from '@nestjs/testing';
import {
  getZumRailsTokenServiceToken,
  ZumRailsTokenService,
  ZumRailsAuthModule,
  type ZumRailsMeterProvider,
} from '../../lib/index.js';
import { fakeOptions } from '../support/auth-app.js';
import { LogCapture } from '../support/log-capture.js';
import { ZumRailsMetrics } from '../../lib/metrics/zumrails-metrics.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { useManualDate } from '../support/manual-date.js';
import { nextEvent } from '../support/zumrails-assertions.js';

/** A real SDK MeterProvider whose metrics the test reads back from an in-memory exporter. */
class MetricsProbe {
  private readonly exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when the test asks (forceFlush); the interval never fires within a test.
  private readonly reader = new PeriodicExportingMetricReader({
    exporter: this.exporter,
    exportIntervalMillis: 3_600_000,
  });
  readonly provider = new MeterProvider({ readers: [this.reader] });

  /** The data points of every metric, by name, as of now. */
  async read(): Promise<Map<string, DataPoint<unknown>[]>> {
    await this.reader.forceFlush();
    const exported = this.exporter.getMetrics().at(-1);
    this.exporter.reset();
    const byName = new Map<string, DataPoint<unknown>[]>();
    for (const scope of exported?.scopeMetrics ?? []) {
      for (const metric of scope.metrics) {
        expect(scope.scope.name).toBe('nestjs-zumrails-auth');
        byName.set(metric.descriptor.name, metric.dataPoints as DataPoint<unknown>[]);
      }
    }
    return byName;
  }

  async value(name: string, attributes: Record<string, string> = {}): Promise<unknown> {
    const points = (await this.read()).get(name) ?? [];
    return points.find((point) => same(point.attributes, attributes))?.value;
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

function same(a: object, b: object): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}

let probe: MetricsProbe;
beforeEach(() => {
  probe = new MetricsProbe();
});
afterEach(async () => {
  metrics.disable();
  await probe.shutdown();
});

describe('OpenTelemetry metrics', () => {
  const fixture = useFakeZumRails({ tokenTtlSeconds: 3 }, { refreshLeadTimeMs: 1_000 });
  const manualDate = useManualDate();

  it('a login counts as success, with its duration and the token remaining', async () => {
    const { tokens } = await fixture.start({ meterProvider: probe.provider });
    await tokens.getToken();
    const all = await probe.read();
    expect(all.get('zumrails.auth.logins')).toEqual([
      expect.objectContaining({ attributes: { outcome: 'success' }, value: 1 }),
    ]);
    const [duration] = all.get('zumrails.auth.login.duration') ?? [];
    expect(duration?.attributes).toEqual({ outcome: 'success' });
    expect((duration?.value as Histogram).count).toBe(1);
    expect((duration?.value as Histogram).sum).toBeGreaterThan(0);
    expect((duration?.value as Histogram).sum).toBeLessThan(3);
    expect((duration?.value as Histogram).buckets.boundaries).toEqual([
      0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
    ]);
    const [remaining] = all.get('zumrails.auth.token.remaining') ?? [];
    expect(remaining?.value).toBeGreaterThan(0);
    expect(remaining?.value).toBeLessThanOrEqual(3);
    expect(await probe.value('zumrails.auth.waiters')).toBe(0);
  });

  it('failed logins count by outcome', async () => {
    // The manual Date steps over the credentials cool-down (at least 1 s) between attempts.
    const date = manualDate();
    const { tokens } = await fixture.start({
      meterProvider: probe.provider,
      credentialsRejectedCooldownMs: 1_000,
      loginRetry: { initialDelayMs: 1, maxDelayMs: 1 },
    });
    fixture.fake.failLogin({ kind: 'status', status: 401 });
    await tokens.refresh().catch(() => undefined);
    date.advance(2_000);
    fixture.fake.failLogin({ kind: 'status', status: 503 });
    await tokens.refresh().catch(() => undefined);
    fixture.fake.failLogin({ kind: 'html', status: 200 });
    await tokens.refresh().catch(() => undefined);
    fixture.fake.failLogin({ kind: 'html', status: 403 });
    await tokens.refresh().catch(() => undefined);
    fixture.fake.failLogin({ kind: 'rate-limited', retryAfterSeconds: 1 });
    await tokens.refresh().catch(() => undefined);
    const logins = (await probe.read()).get('zumrails.auth.logins') ?? [];
    expect(logins.map((point) => [point.attributes['outcome'], point.value]).sort()).toEqual([
      ['bad_response', 1],
      ['blocked_by_intermediary', 1],
      ['credentials_rejected', 1],
      ['rate_limited', 1],
      ['unavailable', 1],
    ]);
  });

  it('a renewal is a second successful login; the gauge follows the new token', async () => {
    const { tokens } = await fixture.start({ meterProvider: probe.provider });
    const renewed = nextEvent(tokens, 'renewed', 8_000);
    await tokens.getToken();
    await renewed;
    expect(await probe.value('zumrails.auth.logins', { outcome: 'success' })).toBe(2);
    expect(await probe.value('zumrails.auth.token.remaining')).toBeGreaterThan(1);
  });

  it('counts callers waiting for a token while the login is in flight', async () => {
    const { tokens } = await fixture.start({ meterProvider: probe.provider });
    fixture.fake.failLogin({ kind: 'delay', ms: 300 });
    const waiting = [tokens.getToken(), tokens.getToken(), tokens.getToken()];
    expect(await probe.value('zumrails.auth.waiters')).toBe(3);
    await Promise.all(waiting);
    expect(await probe.value('zumrails.auth.waiters')).toBe(0);
  });

  it('counts API retries through the recording hook', async () => {
    const { app } = await fixture.start({ meterProvider: probe.provider });
    app.get(ZumRailsMetrics).recordApiRetry({ reason: 'status_503' });
    expect(await probe.value('zumrails.api.retries', { reason: 'status_503' })).toBe(1);
  });

  it('records on the global MeterProvider when no meterProvider option is given', async () => {
    metrics.setGlobalMeterProvider(probe.provider);
    const { tokens } = await fixture.start();
    await tokens.getToken();
    expect(await probe.value('zumrails.auth.logins', { outcome: 'success' })).toBe(1);
  });

  it('a named account adds its name as the account attribute and log field', async () => {
    const logs = new LogCapture();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ZumRailsAuthModule.forRoot({
          name: 'payouts',
          ...fakeOptions(fixture.fake),
          meterProvider: probe.provider,
          logger: logs,
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    try {
      await app.get<ZumRailsTokenService>(getZumRailsTokenServiceToken('payouts')).getToken();
      const all = await probe.read();
      expect(all.get('zumrails.auth.logins')?.map((point) => point.attributes)).toEqual([
        { account: 'payouts', outcome: 'success' },
      ]);
      expect(all.get('zumrails.auth.token.remaining')?.[0]?.attributes).toEqual({
        account: 'payouts',
      });
      expect(logs.events('acquired')[0]?.fields).toMatchObject({ account: 'payouts' });
      expect(logs.events('acquired')[0]?.message).toMatch(/ ZumRailsAuth:payouts$/);
    } finally {
      await app.close();
    }
  });

  it('no attribute carries a secret', async () => {
    const { tokens } = await fixture.start({ meterProvider: probe.provider });
    await tokens.getToken();
    const everything = JSON.stringify([...(await probe.read())]);
    for (const secret of [fixture.fake.password, ...fixture.fake.issuedTokens()]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('a meterProvider that is none fails the start with a ZumRailsConfigError', async () => {
    const notAProvider = { meter: true } as unknown as ZumRailsMeterProvider;
    await expect(fixture.start({ meterProvider: notAProvider })).rejects.toMatchObject({
      code: 'config',
      field: 'meterProvider',
    });
  });
});
