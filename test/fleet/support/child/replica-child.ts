/**
 * One replica as its own OS process (started by child-replica.ts with register-ts.mjs): a Nest
 * application context with ZumRailsAuthModule on a ZumRailsRedisTokenStore, calling the fake API in a
 * loop like a busy app. Talks to the parent over IPC: events, `ready`, and stats on `stop`.
 */
import 'reflect-metadata';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import {
  ZumRailsRedisTokenStore,
  ZumRailsTokenService,
  ZumRailsAuthModule,
} from '../../../../lib/index.js';
import type { ChildConfig, ChildMessage, ParentMessage } from './protocol.js';

const config = JSON.parse(process.env.FLEET_CHILD_CONFIG ?? '{}') as ChildConfig;
const send = (message: ChildMessage) => process.send?.(message);
process.on('disconnect', () => process.exit(0)); // the parent went away: never linger

const redis = new Redis({
  ...config.redis,
  retryStrategy: () => 100,
  maxRetriesPerRequest: 1,
});
redis.on('error', () => undefined);

@Module({
  imports: [
    ZumRailsAuthModule.forRoot({
      baseUrl: config.fakeUrl,
      username: config.username,
      password: config.password,
      store: new ZumRailsRedisTokenStore(redis),
      ...config.options,
    }),
  ],
})
class ReplicaModule {}

let running = true;
let calls = 0;
const failures: string[] = [];

async function callLoop(tokens: ZumRailsTokenService): Promise<void> {
  while (running) {
    calls += 1;
    try {
      const token = await tokens.getToken();
      const response = await fetch(`${config.fakeUrl}/api/wallet`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      if (response.status !== 200) failures.push(`HTTP ${response.status}`);
    } catch (error) {
      failures.push((error as Error).message);
    }
    await new Promise((resolve) => setTimeout(resolve, config.callEveryMs));
  }
}

async function main(): Promise<void> {
  const app: INestApplicationContext = await NestFactory.createApplicationContext(ReplicaModule, {
    logger: ['log', 'warn', 'error'],
  });
  const tokens = app.get(ZumRailsTokenService);
  tokens.events$.subscribe((event) =>
    send({
      type: 'event',
      event: {
        type: event.type,
        origin: 'origin' in event ? event.origin : undefined,
        fingerprint: 'fingerprint' in event ? event.fingerprint : undefined,
      },
    }),
  );
  const token = await tokens.getToken();
  send({ type: 'ready', pid: process.pid, token });
  const loop = callLoop(tokens);
  process.on('message', (message: ParentMessage) => {
    if (message.type !== 'stop') return;
    running = false;
    void loop
      .then(() => app.close())
      .then(() => redis.quit())
      .finally(() => {
        send({ type: 'stats', calls, failures });
        process.disconnect?.();
      });
  });
}

main().catch((error: unknown) => {
  console.error('replica child failed:', error);
  process.exit(1);
});
