import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ZumRailsWebhookError } from '../errors/zumrails.errors.js';
import { logRecord } from '../logging/module-logger.js';
import { LOG_CONTEXT, ModuleLogger } from '../logging/module-logger.js';
import { parseWebhookEvent } from './parse-webhook-event.js';
import { verifiedBodyOf } from './webhook-request.js';
import type { ZumRailsWebhookEvent as ZumRailsWebhookEventShape } from './zumrails-webhook.types.js';

const logger = ModuleLogger.from(undefined, LOG_CONTEXT);
let unguardedUseLogged = false;

/** Parses only bytes the guard verified: an event that skipped the check is never handed out. */
function webhookEventOf(_data: unknown, context: ExecutionContext): ZumRailsWebhookEventShape {
  const request = context.switchToHttp().getRequest<object>();
  const body = verifiedBodyOf(request);
  if (body === undefined) {
    if (!unguardedUseLogged) {
      unguardedUseLogged = true;
      logger.error(
        logRecord(
          'webhook-unguarded',
          '@ZumRailsWebhookEvent() is used on a route without ZumRailsWebhookGuard: add @UseGuards(ZumRailsWebhookGuard) to it',
        ),
      );
    }
    throw new ZumRailsWebhookError('config');
  }
  const event = parseWebhookEvent(body);
  if (!event) throw new ZumRailsWebhookError('webhook-not-an-event', 'Not a Zum Rails webhook');
  return event;
}

/**
 * Parameter decorator giving the verified, parsed webhook as a `ZumRailsWebhookEvent<T>`
 * (`Type`, `Event`, `Data`). Needs `ZumRailsWebhookGuard` on the route: without it the request
 * answers 500 and one error line says so. A signed body that is not a webhook answers 400.
 *
 * ```ts
 * handle(@ZumRailsWebhookEvent() event: ZumRailsWebhookEvent<Transaction>) { ... }
 * ```
 */
export const ZumRailsWebhookEvent = createParamDecorator(webhookEventOf);

/** The same name as the decorator, so `event: ZumRailsWebhookEvent<T>` reads naturally. */
export type ZumRailsWebhookEvent<TData = ZumRailsWebhookEventShape['Data']> =
  ZumRailsWebhookEventShape<TData>;
