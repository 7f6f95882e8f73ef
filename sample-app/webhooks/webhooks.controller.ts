import { Controller, HttpCode, Logger, Post, UseGuards } from '@nestjs/common';
import { ZumRailsWebhookEvent, ZumRailsWebhookGuard } from 'nestjs-zumrails-auth';

/** Where Zum Rails POSTs its webhooks (set this URL in the portal: Settings > Webhook & API settings). */
@Controller('webhooks')
export class WebhooksController {
  private readonly logger = new Logger('Webhooks');

  /** Runs only for a body signed with the webhook secret; anything else gets 401 first. */
  @Post('zumrails')
  @HttpCode(200)
  @UseGuards(ZumRailsWebhookGuard)
  receive(@ZumRailsWebhookEvent() event: ZumRailsWebhookEvent): { received: true } {
    // A repeated delivery never gets here (deduplicate, in config/zumrails.config.ts): it
    // answers 200 { received: true, duplicate: true } without running this handler.
    this.logger.log(
      `Received ${JSON.stringify(event.Type)} webhook, event ${JSON.stringify(event.Event ?? null)}, ` +
        `Data.Id ${JSON.stringify(event.Data.Id ?? null)}`,
    );
    return { received: true };
  }
}
