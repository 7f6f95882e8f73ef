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
export interface ZumRailsWebhookEvent<TData = ZumRailsWebhookData> {
  /** What the webhook is about, e.g. `'Transaction'`. */
  Type: ZumRailsWebhookType;
  /** What happened, e.g. `'Created'`; absent for types without events (Transaction, User). */
  Event?: ZumRailsWebhookEventName;
  /** The object itself, as the vendor sent it. */
  Data: TData;
}
