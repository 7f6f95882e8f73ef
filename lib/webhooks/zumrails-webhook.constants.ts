/** DI token of the `WebhookSecrets` from `ZumRailsAuthModule`'s `webhookSecret` option. */
export const AUTH_MODULE_WEBHOOK_SECRETS = Symbol('ZUMRAILS_AUTH_WEBHOOK_SECRETS');

/** DI token of the `WebhookDeduplicator` (or null) of `ZumRailsAuthModule`'s `deduplicate`. */
export const AUTH_MODULE_WEBHOOK_DEDUPLICATOR = Symbol('ZUMRAILS_AUTH_WEBHOOK_DEDUPLICATOR');

/** DI token of the `WebhookDeduplicator` (or null) of `ZumRailsWebhookModule`'s `deduplicate`. */
export const WEBHOOK_MODULE_DEDUPLICATOR = Symbol('ZUMRAILS_WEBHOOK_MODULE_DEDUPLICATOR');

/** DI token of the `WebhookSecrets` of `ZumRailsWebhookModule.forRoot({ secret })`. */
export const WEBHOOK_MODULE_SECRETS = Symbol('ZUMRAILS_WEBHOOK_MODULE_SECRETS');
