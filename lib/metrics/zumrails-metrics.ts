import {
  ZumRailsConfigError,
  ZumRailsError,
  type ZumRailsErrorCode,
} from '../errors/zumrails.errors.js';
import { performance } from 'node:perf_hooks';

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

/** `outcome` of `zumrails.auth.logins`. */
type LoginOutcome =
  | 'success'
  | 'credentials_rejected'
  | 'blocked_by_intermediary'
  | 'rate_limited'
  | 'unavailable'
  | 'bad_response'
  | 'internal';

/** Every failure of a login has an outcome, but shutdown (a login cut short is not counted). */
const OUTCOMES: Partial<Record<ZumRailsErrorCode, LoginOutcome>> = {
  'credentials-rejected': 'credentials_rejected',
  'blocked-by-intermediary': 'blocked_by_intermediary',
  internal: 'internal',
  'rate-limited': 'rate_limited',
  unavailable: 'unavailable',
  'bad-response': 'bad_response',
  'token-wait-timeout': 'unavailable',
};

interface Instruments {
  readonly logins: AddInstrument;
  readonly loginDuration: RecordInstrument;
  readonly waiters: AddInstrument;
  readonly apiRetries: AddInstrument;
  readonly tokenRemaining: ObservableInstrument;
  readonly rateLimitWaits: RecordInstrument;
  readonly rateLimitRejections: AddInstrument;
  readonly rateLimitRemaining: ObservableInstrument;
}

/**
 * The module's OpenTelemetry instruments, or no-ops without a meter (no `@opentelemetry/api`):
 * then every method costs a branch. Attributes hold the outcome and the account name only.
 */
export class ZumRailsMetrics {
  private readonly instruments?: Instruments;
  private readonly base: MetricAttributes;
  private readonly observers: ObserveCallback[] = [];
  private readonly rateObservers: ObserveCallback[] = [];

  constructor(meter: ZumRailsMeter | undefined, account?: string) {
    this.base = account === undefined ? {} : { account };
    if (meter) this.instruments = createInstruments(meter);
  }

  /** Whether measurements go anywhere. */
  get enabled(): boolean {
    return this.instruments !== undefined;
  }

  /** Times one login (`POST /api/authorize`) and counts it by outcome. */
  async timeLogin<T>(login: () => Promise<T>): Promise<T> {
    const instruments = this.instruments;
    if (!instruments) return login();
    const started = performance.now();
    let outcome: LoginOutcome | undefined = 'success';
    try {
      return await login();
    } catch (error) {
      // Anything but the library's typed errors is a bug: counted as internal, never dropped.
      outcome = error instanceof ZumRailsError ? OUTCOMES[error.code] : 'internal';
      throw error;
    } finally {
      // A login cut short by shutdown has no outcome worth counting.
      if (outcome !== undefined) {
        const attributes = { ...this.base, outcome };
        instruments.logins.add(1, attributes);
        instruments.loginDuration.record((performance.now() - started) / 1000, attributes);
      }
    }
  }

  /** Counts the caller as waiting for a token until `wait` settles. */
  async waiting<T>(wait: Promise<T>): Promise<T> {
    const waiters = this.instruments?.waiters;
    if (!waiters) return wait;
    waiters.add(1, this.base);
    try {
      return await wait;
    } finally {
      waiters.add(-1, this.base);
    }
  }

  /**
   * Counts one retried Zum Rails API call (`zumrails.api.retries`), for the API client to call
   * before each retry. `attributes` must hold nothing secret (e.g. `{ reason: 'status_503' }`).
   */
  recordApiRetry(attributes: MetricAttributes = {}): void {
    this.instruments?.apiRetries.add(1, { ...attributes, ...this.base });
  }

  /** Reports `remainingSeconds()` as `zumrails.auth.token.remaining` (nothing while undefined). */
  observeTokenRemaining(remainingSeconds: () => number | undefined): void {
    const gauge = this.instruments?.tokenRemaining;
    if (!gauge) return;
    const callback: ObserveCallback = (result) => {
      const value = remainingSeconds();
      if (value !== undefined) result.observe(value, this.base);
    };
    gauge.addCallback(callback);
    this.observers.push(callback);
  }

  /**
   * Records how long an API call waited for a slot of a rate limit (`zumrails.api.ratelimit.wait`,
   * seconds; its count is the calls that waited), by `rule` (the rule's label, never a secret).
   */
  recordRateLimitWait(rule: string, seconds: number): void {
    this.instruments?.rateLimitWaits.record(seconds, { ...this.base, rule });
  }

  /** Counts an API call refused locally by a rate limit (`zumrails.api.ratelimit.rejections`). */
  recordRateLimitRejection(rule: string): void {
    this.instruments?.rateLimitRejections.add(1, { ...this.base, rule });
  }

  /** Reports each rule's remaining slots as `zumrails.api.ratelimit.remaining`. */
  observeRateLimitRemaining(read: () => readonly { rule: string; remaining: number }[]): void {
    const gauge = this.instruments?.rateLimitRemaining;
    if (!gauge) return;
    const callback: ObserveCallback = (result) => {
      for (const { rule, remaining } of read()) result.observe(remaining, { ...this.base, rule });
    };
    gauge.addCallback(callback);
    this.rateObservers.push(callback);
  }

  /** Removes the observable callbacks (application shutdown). */
  stop(): void {
    for (const callback of this.observers.splice(0)) {
      this.instruments?.tokenRemaining.removeCallback(callback);
    }
    for (const callback of this.rateObservers.splice(0)) {
      this.instruments?.rateLimitRemaining.removeCallback(callback);
    }
  }
}

function createInstruments(meter: ZumRailsMeter): Instruments {
  return {
    logins: meter.createCounter('zumrails.auth.logins', {
      description: 'Logins to Zum Rails (POST /api/authorize), by outcome',
      unit: '{login}',
    }),
    loginDuration: meter.createHistogram('zumrails.auth.login.duration', {
      description: 'Duration of logins to Zum Rails',
      unit: 's',
      // The SDK's default buckets (0, 5, 10, 25... ) suit milliseconds, not seconds.
      advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] },
    }),
    waiters: meter.createUpDownCounter('zumrails.auth.waiters', {
      description: 'Callers waiting for a token',
      unit: '{caller}',
    }),
    apiRetries: meter.createCounter('zumrails.api.retries', {
      description: 'Zum Rails API calls retried',
      unit: '{retry}',
    }),
    tokenRemaining: meter.createObservableGauge('zumrails.auth.token.remaining', {
      description: 'Time until the current token expires',
      unit: 's',
    }),
    rateLimitWaits: meter.createHistogram('zumrails.api.ratelimit.wait', {
      description: 'Time API calls waited for a slot of a rate limit (count: calls that waited)',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300] },
    }),
    rateLimitRejections: meter.createCounter('zumrails.api.ratelimit.rejections', {
      description: 'API calls refused locally: no slot of a rate limit within their wait bound',
      unit: '{call}',
    }),
    rateLimitRemaining: meter.createObservableGauge('zumrails.api.ratelimit.remaining', {
      description: 'Slots left in the window of each rate limit',
      unit: '{call}',
    }),
  };
}

/** `outcome` of `zumrails.webhook.deliveries`: what deduplication did with one delivery. */
export type WebhookDeliveryOutcome =
  /** The handler ran and succeeded; the delivery is marked done. */
  | 'handled'
  /** The handler threw; the claim was released for a redelivery. */
  | 'failed'
  /** Already handled: answered 2xx without running the handler. */
  | 'duplicate'
  /** Being handled elsewhere: answered 409 without running the handler. */
  | 'in_flight'
  /** The store did not answer in time: answered 503 without running the handler. */
  | 'store_unavailable';

/**
 * Counters of webhook deduplication, or no-ops without a meter: `zumrails.webhook.deliveries`
 * by `outcome`, and `zumrails.webhook.redeliveries` (runs of a delivery whose previous run failed).
 */
export class WebhookMetrics {
  private readonly deliveries?: AddInstrument;
  private readonly redeliveries?: AddInstrument;

  constructor(meter: ZumRailsMeter | undefined) {
    this.deliveries = meter?.createCounter('zumrails.webhook.deliveries', {
      description: 'Verified Zum Rails webhooks seen by deduplication, by outcome',
      unit: '{delivery}',
    });
    this.redeliveries = meter?.createCounter('zumrails.webhook.redeliveries', {
      description: 'Zum Rails webhooks run again after their previous run failed',
      unit: '{delivery}',
    });
  }

  delivery(outcome: WebhookDeliveryOutcome): void {
    this.deliveries?.add(1, { outcome });
  }

  redelivery(): void {
    this.redeliveries?.add(1);
  }
}
