import { afterEach, beforeEach, expect, it } from '@jest/globals';
import type { DynamicModule } from '@nestjs/common';
import type { ZumRailsTokenStore } from '../../../lib/index.js';
import { FakeZumRails, type WebhookDelivery } from '../../../lib/testing/index.js';
import { until } from '../../support/zumrails-assertions.js';
import { HandlerScript, startDedupApp, type DedupApp } from './dedup-app.js';

export const DEDUP_SECRET = 'whsec-dedup-7f3a91c2d4e5';
/** Claims outlive a loaded machine's hiccups; no scenario here waits for one to expire. */
export const CLAIM_TTL_MS = 3_000;

let sequence = 0;
/** A webhook no other test sends: its body, hence its delivery, is new. */
export function freshEvent(): { Type: string; Data: { Id: string; TransactionStatus: string } } {
  sequence += 1;
  return {
    Type: 'Transaction',
    Data: { Id: `tx-${process.pid}-${Date.now()}-${sequence}`, TransactionStatus: 'Completed' },
  };
}

export interface DedupFleet {
  fake: FakeZumRails;
  script: HandlerScript;
  apps: DedupApp[];
  urls: string[];
  send(url: string, event: unknown): Promise<WebhookDelivery>;
}

/**
 * The done-when scenarios of deduplication, over real HTTP, with two app instances whose only
 * link is the store `storeFor()` gives (one store shared, or one client each on one Redis).
 * `webhookModule(store)` configures the secret and `deduplicate` as the app would.
 */
export function dedupScenarios(
  fleet: DedupFleet,
  storeFor: (instance: number) => ZumRailsTokenStore | Promise<ZumRailsTokenStore>,
  webhookModule: (store: ZumRailsTokenStore) => DynamicModule,
): void {
  beforeEach(async () => {
    fleet.fake = await FakeZumRails.start();
    fleet.script = new HandlerScript();
    fleet.apps = [];
    for (const instance of [0, 1]) {
      const store = await storeFor(instance);
      fleet.apps.push(await startDedupApp(webhookModule(store), fleet.script));
    }
    fleet.urls = fleet.apps.map((app) => app.url);
    fleet.send = (url, event) => fleet.fake.sendWebhook(url, event, { secret: DEDUP_SECRET });
  });

  afterEach(async () => {
    fleet.script.release();
    for (const app of fleet.apps) await app.app.close();
    await fleet.fake.stop();
  });

  it('runs the handler once for 6 concurrent sends across both instances; a later redelivery answers 2xx without running it', async () => {
    const event = freshEvent();
    const answers = await fleet.fake.sendDuplicateWebhooks(fleet.urls, event, {
      secret: DEDUP_SECRET,
      times: 6,
    });
    expect(fleet.script.runs).toBe(1);
    const handled = answers.filter((answer) => (answer.body as { ok?: true }).ok === true);
    expect(handled).toHaveLength(1);
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    for (const url of fleet.urls) {
      const later = await fleet.send(url, event);
      expect(later.status).toBe(200);
      expect(later.body).toEqual({ received: true, duplicate: true });
    }
    expect(fleet.script.runs).toBe(1);
  });

  it('answers 409 with Retry-After to duplicates while the first is running, then 2xx once it is done', async () => {
    const event = freshEvent();
    fleet.script.hold();
    const first = fleet.send(fleet.urls[0]!, event);
    await until(() => fleet.script.runs === 1, 5_000, 'the first run');
    const duplicates = await Promise.all(
      [0, 1, 0, 1, 0].map((instance) => fleet.send(fleet.urls[instance]!, event)),
    );
    expect(duplicates.map((answer) => answer.status)).toEqual([409, 409, 409, 409, 409]);
    expect(duplicates[0]?.headers['retry-after']).toBe('3');
    fleet.script.release();
    expect((await first).status).toBe(200);
    expect((await fleet.send(fleet.urls[1]!, event)).status).toBe(200);
    expect(fleet.script.runs).toBe(1);
  });

  it('runs a handler that threw once again on the redelivery: 2 runs in all, then no more', async () => {
    const event = freshEvent();
    fleet.script.failNext = 1;
    const failed = await fleet.send(fleet.urls[0]!, event);
    expect(failed.status).toBe(500);
    const redelivered = await fleet.send(fleet.urls[1]!, event);
    expect(redelivered.status).toBe(200);
    expect(redelivered.body).toEqual({ ok: true, run: 2 });
    expect((await fleet.send(fleet.urls[0]!, event)).status).toBe(200);
    expect(fleet.script.runs).toBe(2);
    expect(fleet.script.completed).toBe(1);
  });

  it('tells different deliveries apart: another body runs the handler', async () => {
    expect((await fleet.send(fleet.urls[0]!, freshEvent())).status).toBe(200);
    expect((await fleet.send(fleet.urls[1]!, freshEvent())).status).toBe(200);
    expect(fleet.script.runs).toBe(2);
  });
}
