import {
  Controller,
  HttpCode,
  Injectable,
  Module,
  Post,
  UseGuards,
  type INestApplication,
  type ModuleMetadata,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ZumRailsWebhookEvent,
  ZumRailsWebhookGuard,
  type ZumRailsWebhookData,
} from '../../../lib/index.js';
import { LogCapture } from '../../support/log-capture.js';

/** The Data of a Transaction webhook, as far as the tests read it. */
export interface TransactionData extends ZumRailsWebhookData {
  Id: string;
  TransactionStatus?: string;
  Memo?: string;
}

/** Every event a handler received, so tests can prove a handler did (or never) run. */
@Injectable()
export class ReceivedWebhooks {
  readonly events: ZumRailsWebhookEvent<TransactionData>[] = [];
}

@Controller('webhooks')
class WebhookController {
  constructor(private readonly received: ReceivedWebhooks) {}

  @Post('zumrails')
  @HttpCode(200)
  @UseGuards(ZumRailsWebhookGuard)
  handle(@ZumRailsWebhookEvent() event: ZumRailsWebhookEvent<TransactionData>): { ok: true } {
    this.received.events.push(event);
    return { ok: true };
  }

  @Post('unguarded')
  @HttpCode(200)
  unguarded(@ZumRailsWebhookEvent() event: ZumRailsWebhookEvent): { ok: true } {
    this.received.events.push(event as ZumRailsWebhookEvent<TransactionData>);
    return { ok: true };
  }
}

/** A feature module of the app: the guard resolves its secret from what this module sees. */
@Module({ controllers: [WebhookController], providers: [ReceivedWebhooks] })
class WebhookFeatureModule {}

export interface WebhookApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>/webhooks/zumrails` */
  url: string;
  logs: LogCapture;
  received: ReceivedWebhooks;
}

export interface WebhookAppOptions {
  /** Global modules that provide the secret (ZumRailsAuthModule, ZumRailsWebhookModule). */
  imports: ModuleMetadata['imports'];
  /** `createNestApplication({ rawBody })`. Default true. */
  rawBody?: boolean;
  /** express.json limit, e.g. '2mb' (default 100kb). */
  jsonLimit?: string;
  /** No Nest body parser; a raw parser (as `express.raw()`) leaves the body as a Buffer. */
  expressRaw?: boolean;
}

/** What `express.raw()` does, without importing express: the body as one Buffer in `req.body`. */
function rawBodyParser(
  request: IncomingMessage & { body?: Buffer },
  _response: ServerResponse,
  next: (error?: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('error', next);
  request.on('end', () => {
    request.body = Buffer.concat(chunks);
    next();
  });
}

/** Boots a real Nest HTTP app on a loopback port with the guarded webhook route. */
export async function startWebhookApp(options: WebhookAppOptions): Promise<WebhookApp> {
  const logs = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    imports: [...(options.imports ?? []), WebhookFeatureModule],
  })
    .setLogger(logs)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    rawBody: options.rawBody ?? true,
    bodyParser: !options.expressRaw,
  });
  if (options.expressRaw) app.use(rawBodyParser);
  if (options.jsonLimit) app.useBodyParser('json', { limit: options.jsonLimit });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url: `${base}/webhooks/zumrails`, logs, received: app.get(ReceivedWebhooks) };
}
