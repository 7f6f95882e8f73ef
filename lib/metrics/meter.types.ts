/**
 * The part of the OpenTelemetry metrics API this module uses, declared structurally so the
 * public types never import `@opentelemetry/api` (an optional peer). A `MeterProvider` from
 * `@opentelemetry/api` or `@opentelemetry/sdk-metrics` fits.
 */
export interface ZumRailsMeterProvider {
  getMeter(name: string, version?: string): ZumRailsMeter;
}

/** Attributes of a measurement: flat strings only (never a secret). */
export type MetricAttributes = Readonly<Record<string, string>>;

/** Options of an instrument. */
interface InstrumentOptions {
  description?: string;
  unit?: string;
  /** Hints to the SDK (`@opentelemetry/api` >= 1.7), e.g. histogram bucket boundaries. */
  advice?: { explicitBucketBoundaries?: number[] };
}

/** A callback that reports the current value of an observable instrument. */
export type ObserveCallback = (result: {
  observe(value: number, attributes?: MetricAttributes): void;
}) => void;

/** The instruments a meter makes, as far as this module uses them. */
export interface ZumRailsMeter {
  createCounter(name: string, options?: InstrumentOptions): AddInstrument;
  createUpDownCounter(name: string, options?: InstrumentOptions): AddInstrument;
  createHistogram(name: string, options?: InstrumentOptions): RecordInstrument;
  createObservableGauge(name: string, options?: InstrumentOptions): ObservableInstrument;
}

export interface AddInstrument {
  add(value: number, attributes?: MetricAttributes): void;
}

export interface RecordInstrument {
  record(value: number, attributes?: MetricAttributes): void;
}

export interface ObservableInstrument {
  addCallback(callback: ObserveCallback): void;
  removeCallback(callback: ObserveCallback): void;
}
