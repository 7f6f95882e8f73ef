import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ZumRailsWebhookError } from '../errors/zumrails.errors.js';
import { logRecord } from '../logging/module-logger.js';
import { LOG_CONTEXT, ModuleLogger } from '../logging/module-logger.js';
import { verifiedBodyOf } from './webhook-request.js';

/**
 * The `Type` of a Zum Rails webhook. The documented values are listed for autocompletion; any
 * other string passes through (the vendor may add types).
 */
export type ZumRailsWebhookType =
  | 'User'
  | 'Transaction'
  | 'Customer'
  | 'Recurrent Transaction'
  | 'Product'
  | 'Invoice'
  | 'Subscription'
  | 'TaxRate'
  | 'CommonFee'
  | 'Insights'
  | 'Chargeback Action'
  // `string & {}` keeps the literals above in autocompletion while accepting any string.
  | (string & {});

/**
 * The `Event` of a Zum Rails webhook, for the types that have events. Transactions and users
 * have none (only status changes in `Data`). Any other string passes through.
 */
export type ZumRailsWebhookEventName =
  'Created' | 'Updated' | 'Deleted' | 'StatusChange' | 'Completed' | 'Failed' | (string & {});

/**
 * The fields every webhook `Data` is expected to have. A Transaction's `Data` has the shape of
 * `GET /api/transaction/{id}`'s result; give your own type as `ZumRailsWebhookEvent<T>`.
 */
export interface ZumRailsWebhookData {
  /** Id of the object the webhook is about (transaction, user, ...). */
  Id?: string;
  [field: string]: unknown;
}

/**
 * A verified Zum Rails webhook, as `@ZumRailsWebhookEvent()` gives it. Delivery may repeat:
 * handle it idempotently (e.g. on `Data.Id` plus the status it reports).
 */
export interface ZumRailsWebhookEventShape<TData = ZumRailsWebhookData> {
  /** What the webhook is about, e.g. `'Transaction'`. */
  Type: ZumRailsWebhookType;
  /** What happened, e.g. `'Created'`; absent for types without events (Transaction, User). */
  Event?: ZumRailsWebhookEventName;
  /** The object itself, as the vendor sent it. */
  Data: TData;
}

/**
 * Parses verified webhook bytes into a `ZumRailsWebhookEvent`, or `undefined` when they are not
 * one: not JSON, not an object, `Type` not a non-empty string, `Event` neither absent, null nor
 * a string, or `Data` not an object. `Event: null` becomes absent. Pure; never throws.
 */
export function parseWebhookEvent(body: Buffer): ZumRailsWebhookEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const { Type: type, Event: event, Data: data } = parsed;
  if (typeof type !== 'string' || type === '') return undefined;
  if (event !== undefined && event !== null && typeof event !== 'string') return undefined;
  if (!isRecord(data)) return undefined;
  return typeof event === 'string'
    ? { Type: type, Event: event, Data: data }
    : { Type: type, Data: data };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const logger = ModuleLogger.from(undefined, LOG_CONTEXT);
/** Route handlers already reported as unguarded: one error line per route, not per request. */
const reportedHandlers = new WeakSet<object>();

/** Parses only bytes the guard verified: an event that skipped the check is never handed out. */
function webhookEventOf(_data: unknown, context: ExecutionContext): ZumRailsWebhookEventShape {
  const request = context.switchToHttp().getRequest<object>();
  const body = verifiedBodyOf(request);
  if (body === undefined) {
    if (!reportedHandlers.has(context.getHandler())) {
      reportedHandlers.add(context.getHandler());
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
