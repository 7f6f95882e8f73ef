import { Controller, Get } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';

/** Collects only when asked: GET /metrics reads the values, nothing is exported anywhere. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const reader = new OnDemandReader();

/**
 * Installs the global MeterProvider the library records on (a real app starts its
 * OpenTelemetry SDK here, with an OTLP or Prometheus exporter). Call it before NestFactory.create.
 */
export function startSampleMetrics(): void {
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
}

@Controller('metrics')
export class MetricsController {
  /** Every instrument's data points: `{ "zumrails.auth.logins": [{ attributes, value }] }`. */
  @Get()
  async read(): Promise<Record<string, { attributes: object; value: unknown }[]>> {
    const { resourceMetrics } = await reader.collect();
    const instruments = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    return Object.fromEntries(
      instruments.map((metric) => [
        metric.descriptor.name,
        metric.dataPoints.map(({ attributes, value }) => ({ attributes, value })),
      ]),
    );
  }
}
