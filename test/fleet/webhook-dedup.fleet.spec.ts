import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ZumRailsRedisTokenStore, ZumRailsWebhookModule } from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { until } from '../support/zumrails-assertions.js';
import { HandlerScript, startDedupApp, type DedupApp } from '../webhooks/support/dedup-app.js';
import {
  CLAIM_TTL_MS,
  DEDUP_SECRET,
  dedupScenarios,
  freshEvent,
  type DedupFleet,
} from '../webhooks/support/dedup-scenarios.js';
import { WebhookChildProcess } from './support/child/webhook-child-process.js';
import { RedisServer } from './support/redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.stop();
});

describe('deduplicate on Redis: two app instances, one client each (ZumRailsWebhookModule)', () => {
  const fleet = {} as DedupFleet;
  dedupScenarios(
    fleet,
    () => new ZumRailsRedisTokenStore(redis.client()),
    (store) =>
      ZumRailsWebhookModule.forRoot({
        secret: DEDUP_SECRET,
        deduplicate: { store, claimTtlMs: CLAIM_TTL_MS, storeTimeoutMs: 1_000 },
        isGlobal: true,
      }),
  );
});

describe('deduplicate on Redis: replicas that die, a Redis that freezes', () => {
  let fake: FakeZumRails;
  let script: HandlerScript;
  let app: DedupApp | undefined;
  let child: WebhookChildProcess | undefined;

  afterEach(async () => {
    await redis.resume();
    script?.release();
    await child?.kill();
    await app?.app.close();
    await fake?.stop();
    child = undefined;
    app = undefined;
  });

  async function startApp(claimTtlMs: number): Promise<DedupApp> {
    fake = await FakeZumRails.start();
    script = new HandlerScript();
    return startDedupApp(
      ZumRailsWebhookModule.forRoot({
        secret: DEDUP_SECRET,
        deduplicate: {
          store: new ZumRailsRedisTokenStore(redis.client()),
          claimTtlMs,
          storeTimeoutMs: Math.floor(claimTtlMs / 3),
        },
        isGlobal: true,
      }),
      script,
    );
  }

  it('takes over the claim of a replica killed (SIGKILL) mid-handler once the claim expires', async () => {
    // Renewed every 667 ms: two renewals may run late on a loaded machine before the claim lapses.
    const claimTtlMs = 2_000;
    app = await startApp(claimTtlMs);
    child = await WebhookChildProcess.start(
      { redis: redis.connection(), secret: DEDUP_SECRET, claimTtlMs },
      60_000,
    );
    const event = freshEvent();
    const send = (url: string) => fake.sendWebhook(url, event, { secret: DEDUP_SECRET });
    const stuck = send(child.url).catch(() => 'gone');
    await until(() => child!.handling === 1, 10_000, 'the child handling the delivery');
    // Alive, the child renews its claim: redeliveries elsewhere wait, past one claim TTL.
    const aliveUntil = Date.now() + claimTtlMs * 1.25;
    while (Date.now() < aliveUntil) {
      expect((await send(app.url)).status).toBe(409);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(script.runs).toBe(0);

    await child.kill();
    expect(await stuck).toBe('gone');
    await until(
      async () => (await send(app!.url)).status !== 409,
      8_000,
      'the dead replica to lose its claim',
    );
    expect(script.runs).toBe(1);
    expect((await send(app.url)).status).toBe(200);
    expect(script.runs).toBe(1);
  }, 90_000);

  it('answers 503 with Retry-After while Redis is frozen, never runs the handler then, and runs it once after', async () => {
    app = await startApp(3_000);
    const event = freshEvent();
    await redis.pause();
    const frozen = await fake.sendWebhook(app.url, event, { secret: DEDUP_SECRET });
    expect(frozen.status).toBe(503);
    expect(frozen.headers['retry-after']).toBe('3');
    expect(script.runs).toBe(0);
    await redis.resume();
    // The claim written late is deleted after it: the redelivery is not blocked for 3 s.
    const retried = await fake.sendWebhook(app.url, event, { secret: DEDUP_SECRET });
    expect(retried.status).toBe(200);
    expect(script.runs).toBe(1);
    expect((await fake.sendWebhook(app.url, event, { secret: DEDUP_SECRET })).status).toBe(200);
    expect(script.runs).toBe(1);
  });

  it('freezing Redis while a handler runs: the duplicate gets 503, the done mark lands after, no second run', async () => {
    app = await startApp(3_000);
    const other = await startDedupApp(
      ZumRailsWebhookModule.forRoot({
        secret: DEDUP_SECRET,
        deduplicate: {
          store: new ZumRailsRedisTokenStore(redis.client()),
          claimTtlMs: 3_000,
          storeTimeoutMs: 1_000,
        },
        isGlobal: true,
      }),
      script,
    );
    try {
      const event = freshEvent();
      script.hold();
      const first = fake.sendWebhook(app.url, event, { secret: DEDUP_SECRET });
      await until(() => script.runs === 1, 5_000, 'the first run');
      await redis.pause();
      const duplicate = await fake.sendWebhook(other.url, event, { secret: DEDUP_SECRET });
      expect(duplicate.status).toBe(503);
      script.release();
      // The handler ran: its answer is 2xx even though Redis cannot take the done mark yet.
      expect((await first).status).toBe(200);
      await redis.resume();
      // Until the mark lands the claim answers 409; after, 2xx; never a second run.
      await until(
        async () =>
          (await fake.sendWebhook(other.url, event, { secret: DEDUP_SECRET })).status === 200,
        5_000,
        'the done mark after Redis resumed',
      );
      expect(script.runs).toBe(1);
    } finally {
      await other.app.close();
    }
  });
});
