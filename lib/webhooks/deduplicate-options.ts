import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import type { TokenStore } from '../store/token-store.interface.js';

/**
 * `deduplicate` of `ZumRailsWebhookModule.forRoot()` and of `ZumRailsAuthModule`'s options: each
 * delivery (the SHA-256 of its verified raw body) runs the handler once across every replica
 * sharing `store`. See the README's "Delivery guarantee".
 */
export interface ZumRailsWebhookDeduplicateOptions {
  /**
   * Where replicas claim deliveries: `new RedisTokenStore(redis)` for a fleet (the same client
   * as the token `store` is fine; keys never collide), `new InMemoryTokenStore()` for one
   * process, or your own `TokenStore`. Required.
   */
  store: TokenStore;
  /**
   * How long a handled delivery is remembered: a redelivery (or a replay of a captured webhook)
   * within it answers 2xx without running the handler. Default 72 h: Zum Rails documents no
   * redelivery window, and payment vendors retry for up to 3 days; each delivery costs one small
   * key for this long.
   */
  ttlMs?: number;
  /**
   * How long a claim outlives its replica: a replica that dies mid-handler blocks redeliveries of
   * that delivery (answered 409) for at most this long. Renewed every third of it while the
   * handler runs (for up to 15 min). Default 30 s.
   */
  claimTtlMs?: number;
  /**
   * Upper bound of one store call, in ms; a slower or failing store answers 503 (the vendor
   * retries) and never runs the handler. Default 1000.
   */
  storeTimeoutMs?: number;
  /**
   * Keeps the deliveries of apps of different Zum Rails accounts apart in one store. Default:
   * the account (`ZumRailsAuthModule`: its baseUrl and username) or `'default'`
   * (`ZumRailsWebhookModule`).
   */
  namespace?: string;
}

/** `deduplicate` after validation and defaults. */
export interface ResolvedDeduplicateOptions {
  readonly store: TokenStore;
  readonly ttlMs: number;
  readonly claimTtlMs: number;
  readonly storeTimeoutMs: number;
  readonly namespace: string;
}

export const DEFAULT_DEDUPLICATE_TTL_MS = 72 * 60 * 60 * 1000;
const DEFAULT_CLAIM_TTL_MS = 30_000;
const DEFAULT_STORE_TIMEOUT_MS = 1_000;
const MAX_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const STORE_METHODS = ['acquireLease', 'get', 'compareAndSet', 'compareAndDelete'] as const;

/**
 * Validates `deduplicate` once, at module init; `undefined` when the option is absent.
 * @throws ZumRailsConfigError naming `field.<key>` for a missing store (or one without the
 *   `TokenStore` methods dedup uses) or an out-of-range duration.
 */
export function resolveDeduplicateOptions(
  value: unknown,
  field: string,
  defaultNamespace: string,
): ResolvedDeduplicateOptions | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') {
    throw new ZumRailsConfigError(field, 'must be an object: { store, ttlMs?, claimTtlMs? }');
  }
  const options = value as ZumRailsWebhookDeduplicateOptions;
  const store = options.store as unknown as Record<string, unknown> | undefined;
  const missing = STORE_METHODS.filter((method) => typeof store?.[method] !== 'function');
  if (missing.length > 0) {
    throw new ZumRailsConfigError(
      `${field}.store`,
      `must be a TokenStore (RedisTokenStore, InMemoryTokenStore or your own); it lacks ${missing.join(', ')}`,
    );
  }
  const claimTtlMs = duration(
    options.claimTtlMs,
    DEFAULT_CLAIM_TTL_MS,
    `${field}.claimTtlMs`,
    100,
    600_000,
  );
  const ttlMs = duration(
    options.ttlMs,
    DEFAULT_DEDUPLICATE_TTL_MS,
    `${field}.ttlMs`,
    claimTtlMs,
    MAX_TTL_MS,
  );
  const storeTimeoutMs = duration(
    options.storeTimeoutMs,
    DEFAULT_STORE_TIMEOUT_MS,
    `${field}.storeTimeoutMs`,
    10,
    Math.floor(claimTtlMs / 3),
  );
  const namespace = options.namespace ?? defaultNamespace;
  if (typeof namespace !== 'string' || !/^[\w.:-]{1,64}$/.test(namespace)) {
    throw new ZumRailsConfigError(
      `${field}.namespace`,
      'must be 1 to 64 letters, digits, or . : _ -',
    );
  }
  return { store: options.store, ttlMs, claimTtlMs, storeTimeoutMs, namespace };
}

function duration(
  value: unknown,
  fallback: number,
  field: string,
  min: number,
  max: number,
): number {
  if (value === undefined) return Math.min(Math.max(fallback, min), max);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ZumRailsConfigError(field, `must be an integer number of ms from ${min} to ${max}`);
  }
  return value;
}
