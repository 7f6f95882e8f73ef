import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import type { ZumRailsMeter, ZumRailsMeterProvider } from './meter.types.js';

/** Instrumentation scope of every instrument. */
const METER_NAME = 'nestjs-zumrails-auth';

/**
 * The meter to record on: from `provider` when given, else from the global `MeterProvider` of
 * `@opentelemetry/api`, loaded on demand (a dynamic import: `import()` in the ESM build,
 * `require()` in the CommonJS one). Without the package there is nothing to record on:
 * undefined, no error, and nothing loaded.
 * @throws ZumRailsConfigError when `provider` has no `getMeter`.
 */
export async function loadMeter(provider: unknown): Promise<ZumRailsMeter | undefined> {
  if (provider !== undefined) {
    if (!isMeterProvider(provider)) {
      throw new ZumRailsConfigError(
        'meterProvider',
        'must be an OpenTelemetry MeterProvider (with getMeter())',
      );
    }
    return provider.getMeter(METER_NAME);
  }
  try {
    const api = await import('@opentelemetry/api');
    return api.metrics.getMeter(METER_NAME);
  } catch {
    return undefined; // @opentelemetry/api is an optional peer: no package, no metrics
  }
}

function isMeterProvider(value: unknown): value is ZumRailsMeterProvider {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { getMeter?: unknown }).getMeter === 'function'
  );
}
