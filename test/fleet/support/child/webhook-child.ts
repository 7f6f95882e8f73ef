/**
 * An app instance receiving webhooks as its own OS process (started by webhook-child-app.ts with
 * register-ts.mjs): ZumRailsWebhookModule with `deduplicate` on a ZumRailsRedisTokenStore, and a handler
 * that never returns, so the parent can SIGKILL it while it holds a delivery's claim. Tells the
 * parent over IPC where it listens and when a handler run starts.
 */
import 'reflect-metadata';
import { Controller, HttpCode, Module, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis, type RedisOptions } from 'ioredis';
import {
  ZumRailsRedisTokenStore,
  ZumRailsWebhookEvent,
  ZumRailsWebhookGuard,
  ZumRailsWebhookModule,
} from '../../../../lib/index.js';

/** What the parent passes (as JSON in WEBHOOK_CHILD_CONFIG). */
export interface WebhookChildConfig {
  redis: RedisOptions;
  secret: string;
  claimTtlMs: number;
}

/** What the child tells the parent. */
export type WebhookChildMessage = { type: 'listening'; url: string } | { type: 'handling' };

const config = JSON.parse(process.env.WEBHOOK_CHILD_CONFIG ?? '{}') as WebhookChildConfig;
const send = (message: WebhookChildMessage) => process.send?.(message);
process.on('disconnect', () => process.exit(0)); // the parent went away: never linger

const redis = new Redis({ ...config.redis, retryStrategy: () => 100, maxRetriesPerRequest: 1 });
redis.on('error', () => undefined);

@Controller('webhooks')
class StuckController {
  @Post('zumrails')
  @HttpCode(200)
  @UseGuards(ZumRailsWebhookGuard)
  handle(@ZumRailsWebhookEvent() _event: ZumRailsWebhookEvent): Promise<never> {
    send({ type: 'handling' });
    return new Promise<never>(() => undefined); // a handler stuck until the process dies
  }
}

@Module({
  imports: [
    ZumRailsWebhookModule.forRoot({
      secret: config.secret,
      deduplicate: { store: new ZumRailsRedisTokenStore(redis), claimTtlMs: config.claimTtlMs },
      isGlobal: true,
    }),
  ],
  controllers: [StuckController],
})
class WebhookChildModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(WebhookChildModule, { rawBody: true, logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  send({ type: 'listening', url: `${base}/webhooks/zumrails` });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
