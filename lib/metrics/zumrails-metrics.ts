import { performance } from 'node:perf_hooks';
import { ZumRailsError, type ZumRailsErrorCode } from '../errors/zumrails.errors.js';
import type {
  AddInstrument,
  MetricAttributes,
  ObservableInstrument,
  ObserveCallback,
  RecordInstrument,
  ZumRailsMeter,
} from './meter.types.js';

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
