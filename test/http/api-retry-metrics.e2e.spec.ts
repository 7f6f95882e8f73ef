import { describe, expect, it } from '@jest/globals';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { ZumRailsClient, type ZumRailsMeterProvider } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';

const fixture = useFakeZumRails({}, { revokeOnShutdown: false });

describe('retry metrics', () => {
  it('counts each retry in zumrails.api.retries by reason', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    try {
      const subject = await fixture.start({
        meterProvider: provider as unknown as ZumRailsMeterProvider,
        apiRetry: { initialDelayMs: 10, maxDelayMs: 20 },
      });
      fixture.fake.failApi({ kind: 'status', status: 503 }, 2);
      await subject.app.get(ZumRailsClient).get('/api/wallet');
      await reader.forceFlush();
      const metrics =
        exporter
          .getMetrics()
          .at(-1)
          ?.scopeMetrics.flatMap((s) => s.metrics) ?? [];
      const retries = metrics.find((m) => m.descriptor.name === 'zumrails.api.retries');
      expect(retries?.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
        [{ reason: 'status_503' }, 2],
      ]);
    } finally {
      await provider.shutdown();
    }
  });
});
