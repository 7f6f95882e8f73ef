import type { OnApplicationShutdown } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { failureReason, logRecord } from '../logging/module-logger.js';
import type { RecordLogger } from '../logging/module-logger.js';
import type { WebhookMetrics } from '../metrics/zumrails-metrics.js';
import type { TokenStore } from '../store/token-store.interface.js';
import { withDeadline } from '../util/waiting.js';
import { SafeToLog } from '../logging/module-logger.js';
import type { ResolvedDeduplicateOptions } from '../options/option-spec.js';

/** What deduplication made of one verified delivery. */
export type DeliveryVerdict<T> =
  | { readonly kind: 'handled'; readonly value: T }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'in-flight' }
  | { readonly kind: 'store-unavailable' };

type Claim = 'first' | 'after-failure' | 'duplicate' | 'in-flight';

/** Stored values: a running claim is `run:<uuid>`, so only its holder can renew or settle it. */
const DONE = 'done';
const FAILED = 'failed';
/** A handler still running after this is treated as dead: its claim is no longer renewed. */
const MAX_RENEWED_RUN_MS = 15 * 60_000;
/** Retries of a done mark the store missed (paused, timed out), a quarter claim TTL apart. */
const DONE_MARK_RETRIES = 3;

/**
 * Runs each delivery's handler once across the replicas sharing a store, with nothing but the
 * `TokenStore` contract: claim (`acquireLease`: `SET NX PX`, one round trip), then mark done
 * (`compareAndSet` to `done`, `ttlMs`) or release to `failed` (a redelivery takes it over), and
 * renew the claim while the handler runs. Every store call is bounded by `storeTimeoutMs`.
 */
@SafeToLog<WebhookDeduplicator>((self) => ({ namespace: self.options.namespace }))
export class WebhookDeduplicator implements OnApplicationShutdown {
  private readonly renewals = new Set<NodeJS.Timeout>();
  private storeHealthy = true;

  constructor(
    private readonly options: ResolvedDeduplicateOptions,
    private readonly logger: RecordLogger,
    private readonly metrics: WebhookMetrics,
    private readonly maxRenewedRunMs = MAX_RENEWED_RUN_MS,
  ) {}

  /** Seconds after which a retry may find the delivery settled (or a dead claim expired). */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.options.claimTtlMs / 1000));
  }

  /**
   * Claims the delivery of `body` and runs `run` when this replica got the claim.
   * @throws what `run` throws, after the claim is released for a redelivery.
   */
  async handle<T>(body: Buffer, run: () => Promise<T>): Promise<DeliveryVerdict<T>> {
    const digest = createHash('sha256').update(body).digest('hex');
    const key = `zumrails-webhook:${this.options.namespace}:${digest}`;
    const holder = `run:${randomUUID()}`;
    const delivery = digest.slice(0, 16);
    let claim: Claim;
    try {
      claim = await this.claim(key, holder);
      this.storeAnswered();
    } catch (error) {
      this.storeFailed('claim', error);
      // A claim written after its deadline must not block the vendor's retry until it expires.
      this.call((store) => store.compareAndDelete(key, holder)).catch(() => undefined);
      this.metrics.delivery('store_unavailable');
      return { kind: 'store-unavailable' };
    }
    if (claim === 'duplicate' || claim === 'in-flight') return this.dropped(claim, delivery);
    if (claim === 'after-failure') {
      this.metrics.redelivery();
      this.logger.log(
        logRecord(
          'webhook-redelivered',
          `Running a redelivered Zum Rails webhook whose previous run failed (delivery ${delivery})`,
          { delivery },
        ),
      );
    }
    const stopRenewing = this.renew(key, holder, delivery);
    let value: T;
    try {
      value = await run();
    } catch (error) {
      stopRenewing();
      await this.release(key, holder, delivery);
      this.metrics.delivery('failed');
      throw error;
    }
    stopRenewing();
    await this.markDone(key, holder, delivery, 0);
    this.metrics.delivery('handled');
    return { kind: 'handled', value };
  }

  /** Stops renewing claims: a handler still running past shutdown no longer holds its delivery. */
  onApplicationShutdown(): void {
    for (const timer of this.renewals) clearInterval(timer);
    this.renewals.clear();
  }

  private async claim(key: string, holder: string): Promise<Claim> {
    const { claimTtlMs } = this.options;
    // Twice at most: a claim released between our two calls is tried once more.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (await this.call((store) => store.acquireLease(key, holder, claimTtlMs))) return 'first';
      const current = await this.call((store) => store.get(key));
      if (current === undefined) continue;
      if (current.value === DONE) return 'duplicate';
      if (current.value !== FAILED) return 'in-flight';
      if (await this.call((store) => store.compareAndSet(key, FAILED, holder, claimTtlMs))) {
        return 'after-failure';
      }
    }
    return 'in-flight';
  }

  private dropped(claim: 'duplicate' | 'in-flight', delivery: string): DeliveryVerdict<never> {
    const duplicate = claim === 'duplicate';
    this.metrics.delivery(duplicate ? 'duplicate' : 'in_flight');
    this.logger.log(
      logRecord(
        duplicate ? 'webhook-duplicate' : 'webhook-in-flight',
        duplicate
          ? `Dropped a duplicate Zum Rails webhook: already handled (delivery ${delivery})`
          : `Deferred a duplicate Zum Rails webhook: being handled now (delivery ${delivery}); answered 409`,
        { delivery },
      ),
    );
    return { kind: claim };
  }

  /** Renews the claim every third of its TTL while the handler runs; returns the stop. */
  private renew(key: string, holder: string, delivery: string): () => void {
    const { claimTtlMs } = this.options;
    const started = Date.now();
    let pending = false;
    let lostReported = false;
    const timer = setInterval(
      () => {
        if (Date.now() - started > this.maxRenewedRunMs) {
          stop();
          this.logger.warn(
            logRecord(
              'webhook-claim-abandoned',
              `A Zum Rails webhook handler has run for over ${this.maxRenewedRunMs} ms; its claim is no longer renewed and a redelivery may run it (delivery ${delivery})`,
              { delivery },
            ),
          );
          return;
        }
        if (pending) return;
        pending = true;
        this.call((store) => store.compareAndSet(key, holder, holder, claimTtlMs))
          .then((renewed) => {
            if (renewed || lostReported) return;
            lostReported = true;
            this.reportLostClaim(delivery);
          })
          .catch(() => undefined) // the next tick tries again; the claim lasts 3 ticks
          .finally(() => (pending = false));
      },
      Math.max(1, Math.floor(claimTtlMs / 3)),
    );
    timer.unref();
    this.renewals.add(timer);
    const stop = (): void => {
      clearInterval(timer);
      this.renewals.delete(timer);
    };
    return stop;
  }

  private async release(key: string, holder: string, delivery: string): Promise<void> {
    try {
      await this.call((store) => store.compareAndSet(key, holder, FAILED, this.options.ttlMs));
    } catch (error) {
      this.storeFailed('release', error);
    }
    this.logger.warn(
      logRecord(
        'webhook-handler-failed',
        `A Zum Rails webhook handler failed; the delivery is released so the vendor's redelivery runs it again (delivery ${delivery})`,
        { delivery },
      ),
    );
  }

  /**
   * Marks the delivery done. The handler ran, so the answer stays 2xx whatever happens here; a
   * mark the store missed is retried in the background while the claim still blocks others.
   */
  private async markDone(
    key: string,
    holder: string,
    delivery: string,
    attempt: number,
  ): Promise<void> {
    try {
      const marked = await this.call((store) =>
        store.compareAndSet(key, holder, DONE, this.options.ttlMs),
      );
      this.storeAnswered();
      // An earlier attempt that timed out may have landed after all.
      if (!marked && (await this.call((store) => store.get(key)))?.value !== DONE) {
        this.reportLostClaim(delivery);
      }
    } catch (error) {
      this.storeFailed('mark done', error);
      if (attempt >= DONE_MARK_RETRIES) {
        this.logger.error(
          logRecord(
            'webhook-done-mark-lost',
            `Could not mark a handled Zum Rails webhook done; a redelivery after ${this.options.claimTtlMs} ms would run it again (delivery ${delivery})`,
            { delivery },
          ),
        );
        return;
      }
      const retry = setTimeout(
        () => void this.markDone(key, holder, delivery, attempt + 1),
        Math.floor(this.options.claimTtlMs / 4),
      );
      retry.unref();
    }
  }

  private reportLostClaim(delivery: string): void {
    this.logger.error(
      logRecord(
        'webhook-claim-lost',
        `The claim of a running Zum Rails webhook expired (store paused, or a handler longer than its renewals): another replica may run it too (delivery ${delivery})`,
        { delivery },
      ),
    );
  }

  private call<T>(operation: (store: TokenStore) => Promise<T>): Promise<T> {
    const { store, storeTimeoutMs } = this.options;
    return withDeadline(
      Promise.resolve().then(() => operation(store)),
      storeTimeoutMs,
      () => new Error(`no answer within ${storeTimeoutMs} ms`),
    );
  }

  private storeAnswered(): void {
    if (this.storeHealthy) return;
    this.storeHealthy = true;
    this.logger.log(
      logRecord('webhook-store-recovered', 'Webhook deduplication store answers again'),
    );
  }

  private storeFailed(operation: string, error: unknown): void {
    if (!this.storeHealthy) return;
    this.storeHealthy = false;
    const reason = failureReason(error);
    this.logger.warn(
      logRecord(
        'webhook-store-unavailable',
        `Webhook deduplication store unavailable (${operation}: ${reason}); webhooks answer 503 so Zum Rails redelivers them, until it answers again`,
        { operation, reason },
      ),
    );
  }
}
