import type { AddInstrument, ZumRailsMeter } from './meter.types.js';

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
