import { describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  ZumRailsInMemoryTokenStore,
  ZumRailsAuthModule,
  ZumRailsConfigError,
  ZumRailsWebhookModule,
  type ZumRailsTokenStore,
  type ZumRailsMeterProvider,
} from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { fakeOptions } from '../support/auth-app.js';
import { LogCapture } from '../support/log-capture.js';
import { rejectionOf, until } from '../support/zumrails-assertions.js';
import { HandlerScript, startDedupApp } from './support/dedup-app.js';
import {
  CLAIM_TTL_MS,
  DEDUP_SECRET,
  dedupScenarios,
  freshEvent,
  type DedupFleet,
} from './support/dedup-scenarios.js';

describe('deduplicate on ZumRailsInMemoryTokenStore: two instances of one process share it (ZumRailsAuthModule)', () => {
  const fleet = {} as DedupFleet;
  let shared: ZumRailsInMemoryTokenStore;
  dedupScenarios(
    fleet,
    (instance) => {
      if (instance === 0) shared = new ZumRailsInMemoryTokenStore();
      return shared;
    },
    (store) =>
      ZumRailsAuthModule.forRoot({
        ...fakeOptions(fleet.fake, { webhookSecret: DEDUP_SECRET }),
        deduplicate: { store, claimTtlMs: CLAIM_TTL_MS, storeTimeoutMs: 1_000 },
        isGlobal: true,
      }),
  );
});

/** An app's own store on top of the in-memory one, whose calls can be made to hang. */
class HangingStore extends ZumRailsInMemoryTokenStore {
  hanging = false;
  override acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.hanging ? new Promise(() => undefined) : super.acquireLease(key, holder, ttlMs);
  }
}

describe('deduplicate: metrics, logs, store failure and configuration', () => {
  it('counts and logs deliveries handled, duplicates dropped and redeliveries after a failure', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const fake = await FakeZumRails.start();
    const script = new HandlerScript();
    const moduleLogs = new LogCapture();
    const hook = await startDedupApp(
      ZumRailsAuthModule.forRoot({
        ...fakeOptions(fake, { webhookSecret: DEDUP_SECRET, logger: moduleLogs }),
        meterProvider: provider as unknown as ZumRailsMeterProvider,
        deduplicate: { store: new ZumRailsInMemoryTokenStore(), claimTtlMs: CLAIM_TTL_MS },
        isGlobal: true,
      }),
      script,
    );
    const send = (event: unknown) => fake.sendWebhook(hook.url, event, { secret: DEDUP_SECRET });
    try {
      const event = freshEvent();
      expect((await send(event)).status).toBe(200); // handled
      expect((await send(event)).status).toBe(200); // duplicate
      const flaky = freshEvent();
      script.failNext = 1;
      expect((await send(flaky)).status).toBe(500); // failed
      expect((await send(flaky)).status).toBe(200); // handled, a redelivery
      script.hold();
      const heldEvent = freshEvent();
      const held = send(heldEvent);
      await until(() => script.runs === 4, 5_000, 'the held run');
      expect((await send(heldEvent)).status).toBe(409); // in flight
      script.release();
      expect((await held).status).toBe(200);

      await reader.forceFlush();
      const metrics =
        exporter
          .getMetrics()
          .at(-1)
          ?.scopeMetrics.flatMap((scope) => scope.metrics) ?? [];
      const points = (name: string) =>
        metrics
          .find((metric) => metric.descriptor.name === name)
          ?.dataPoints.map((point) => [point.attributes, point.value]);
      expect(points('zumrails.webhook.deliveries')).toEqual(
        expect.arrayContaining([
          [{ outcome: 'handled' }, 3],
          [{ outcome: 'duplicate' }, 1],
          [{ outcome: 'failed' }, 1],
          [{ outcome: 'in_flight' }, 1],
        ]),
      );
      expect(points('zumrails.webhook.redeliveries')).toEqual([[{}, 1]]);
      for (const event of [
        'webhook-duplicate',
        'webhook-in-flight',
        'webhook-handler-failed',
        'webhook-redelivered',
      ]) {
        expect(moduleLogs.lines.filter((line) => line.fields?.event === event)).toHaveLength(1);
      }
      expect(moduleLogs.text()).not.toContain(DEDUP_SECRET);
    } finally {
      script.release();
      await hook.app.close();
      await fake.stop();
      await provider.shutdown();
    }
  });

  it("answers 503 with Retry-After, never running the handler, when the store does not answer; an app's own store works", async () => {
    const fake = await FakeZumRails.start();
    const script = new HandlerScript();
    const store = new HangingStore();
    const hook = await startDedupApp(
      ZumRailsWebhookModule.forRoot({
        secret: DEDUP_SECRET,
        deduplicate: { store, claimTtlMs: 3_000, storeTimeoutMs: 100 },
        isGlobal: true,
      }),
      script,
    );
    try {
      const event = freshEvent();
      store.hanging = true;
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const answer = await fake.sendWebhook(hook.url, event, { secret: DEDUP_SECRET });
        expect(answer.status).toBe(503);
        expect(answer.headers['retry-after']).toBe('3');
      }
      expect(script.runs).toBe(0);
      const warnings = hook.logs.lines.filter(
        (line) => line.fields?.event === 'webhook-store-unavailable',
      );
      expect(warnings).toHaveLength(1); // once per outage
      store.hanging = false;
      expect((await fake.sendWebhook(hook.url, event, { secret: DEDUP_SECRET })).status).toBe(200);
      expect(script.runs).toBe(1);
      expect(hook.logs.text()).toContain('Webhook deduplication store answers again');
    } finally {
      await hook.app.close();
      await fake.stop();
    }
  });

  it('fails the start for a store without the ZumRailsTokenStore methods, and for deduplicate away from the secret', async () => {
    const fake = await FakeZumRails.start();
    try {
      const noStore = await rejectionOf(
        startDedupApp(
          ZumRailsWebhookModule.forRoot({
            secret: DEDUP_SECRET,
            deduplicate: { store: { get: async () => undefined } as unknown as ZumRailsTokenStore },
            isGlobal: true,
          }),
          new HandlerScript(),
        ),
      );
      expect(noStore).toBeInstanceOf(ZumRailsConfigError);
      expect((noStore as ZumRailsConfigError).field).toBe(
        'ZumRailsWebhookModule.deduplicate.store',
      );
      expect((noStore as Error).message).toContain('acquireLease');

      const badTtl = await rejectionOf(
        startDedupApp(
          ZumRailsWebhookModule.forRoot({
            secret: DEDUP_SECRET,
            deduplicate: { store: new ZumRailsInMemoryTokenStore(), claimTtlMs: 5 },
            isGlobal: true,
          }),
          new HandlerScript(),
        ),
      );
      expect((badTtl as ZumRailsConfigError).field).toBe(
        'ZumRailsWebhookModule.deduplicate.claimTtlMs',
      );

      @Module({})
      class Empty {}
      const elsewhere = await rejectionOf(
        startDedupApp(
          {
            module: Empty,
            imports: [
              ZumRailsAuthModule.forRoot({
                ...fakeOptions(fake),
                deduplicate: { store: new ZumRailsInMemoryTokenStore() },
                isGlobal: true,
              }),
              ZumRailsWebhookModule.forRoot({ secret: DEDUP_SECRET, isGlobal: true }),
            ],
          },
          new HandlerScript(),
        ),
      );
      expect((elsewhere as ZumRailsConfigError).field).toBe('deduplicate');
      expect((elsewhere as Error).message).toContain('next to the secret');

      const named = await rejectionOf(
        startDedupApp(
          {
            module: Empty,
            imports: [
              ZumRailsAuthModule.forRoot({
                ...fakeOptions(fake, { webhookSecret: DEDUP_SECRET }),
                isGlobal: true,
              }),
              ZumRailsAuthModule.forRoot({
                ...fakeOptions(fake),
                name: 'payouts',
                deduplicate: { store: new ZumRailsInMemoryTokenStore() },
              }),
            ],
          },
          new HandlerScript(),
        ),
      );
      expect((named as ZumRailsConfigError).field).toBe('deduplicate');
      expect((named as Error).message).toContain('default account only');
    } finally {
      await fake.stop();
    }
  });
});
