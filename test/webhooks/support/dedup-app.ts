import {
  Controller,
  HttpCode,
  Module,
  Post,
  UseGuards,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { ZumRailsWebhookEvent, ZumRailsWebhookGuard } from '../../../lib/index.js';
import { LogCapture } from '../../support/log-capture.js';

/**
 * What the handlers of every app instance of a test do, shared by all of them (one object given
 * to each app), so a test counts the runs of the whole "fleet".
 */
export class HandlerScript {
  /** Runs started, all instances together. */
  runs = 0;
  /** Runs that returned. */
  completed = 0;
  /** The next runs that throw (an Error: 500). */
  failNext = 0;
  private gate?: Promise<void>;
  private open?: () => void;

  /** Makes every run from now on wait until `release()`. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async run(): Promise<{ ok: true; run: number }> {
    this.runs += 1;
    const run = this.runs;
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('the handler failed (test)');
    }
    this.completed += 1;
    return { ok: true, run };
  }
}

@Controller('webhooks')
class DedupWebhookController {
  constructor(private readonly script: HandlerScript) {}

  @Post('zumrails')
  @HttpCode(200)
  @UseGuards(ZumRailsWebhookGuard)
  handle(@ZumRailsWebhookEvent() _event: ZumRailsWebhookEvent): Promise<{ ok: true; run: number }> {
    return this.script.run();
  }
}

export interface DedupApp {
  app: INestApplication;
  url: string;
  logs: LogCapture;
}

/** One instance of an app receiving webhooks, with `webhookModule` (secret and deduplicate). */
export async function startDedupApp(
  webhookModule: DynamicModule,
  script: HandlerScript,
): Promise<DedupApp> {
  @Module({
    controllers: [DedupWebhookController],
    providers: [{ provide: HandlerScript, useValue: script }],
  })
  class FeatureModule {}
  const logs = new LogCapture();
  const moduleRef = await Test.createTestingModule({ imports: [webhookModule, FeatureModule] })
    .setLogger(logs)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ rawBody: true });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url: `${base}/webhooks/zumrails`, logs };
}
