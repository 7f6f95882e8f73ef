import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { loadMeter } from '../metrics/zumrails-metrics.js';
import { WebhookMetrics } from '../metrics/zumrails-metrics.js';
import { resolveDeduplicateOptions } from './deduplicate-options.js';
import { WebhookDeduplicationInterceptor } from './webhook-deduplication.interceptor.js';
import { WebhookDeduplicator } from './webhook-deduplicator.js';
import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import { LOG_CONTEXT, ModuleLogger } from '../logging/module-logger.js';
import { resolveWebhookSecrets, warnAboutWeakSecrets } from './webhook-secrets.js';
import {
  WEBHOOK_MODULE_DEDUPLICATOR,
  WEBHOOK_MODULE_SECRETS,
} from './zumrails-webhook.constants.js';
import {
  ZUMRAILS_WEBHOOK_OPTIONS,
  ZumRailsWebhookConfigurableModule,
  type ZumRailsWebhookModuleOptions,
} from './zumrails-webhook.definition.js';

const FIELD = 'ZumRailsWebhookModule.secret';

/**
 * The webhook secret(s) for `ZumRailsWebhookGuard`, for apps that receive Zum Rails webhooks
 * without `ZumRailsAuthModule` (or prefer to configure them apart). Give the secret here or in
 * `ZumRailsAuthModule`'s `webhookSecret`, not both.
 *
 * ```ts
 * ZumRailsWebhookModule.forRootAsync({
 *   isGlobal: true,
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ secret: config.getOrThrow('ZUMRAILS_WEBHOOK_SECRET') }),
 * })
 * ```
 * A secret shorter than 16 characters or a known placeholder starts with a warning naming the option.
 * @throws ZumRailsConfigError at module init when the secret is missing or invalid.
 */
@Module({
  providers: [
    {
      provide: WEBHOOK_MODULE_SECRETS,
      useFactory: (options: ZumRailsWebhookModuleOptions | undefined) => {
        const secrets = resolveWebhookSecrets(options?.secret, FIELD);
        if (!secrets.configured) {
          throw new ZumRailsConfigError(
            FIELD,
            'is required: ZumRailsWebhookModule needs { secret }',
          );
        }
        warnAboutWeakSecrets(secrets, FIELD, ModuleLogger.from(undefined, LOG_CONTEXT));
        return secrets;
      },
      inject: [ZUMRAILS_WEBHOOK_OPTIONS],
    },
    {
      provide: WEBHOOK_MODULE_DEDUPLICATOR,
      useFactory: async (options: ZumRailsWebhookModuleOptions | undefined) => {
        const dedup = resolveDeduplicateOptions(
          options?.deduplicate,
          'ZumRailsWebhookModule.deduplicate',
          'default',
        );
        if (dedup === undefined) return null;
        const metrics = new WebhookMetrics(await loadMeter(undefined));
        return new WebhookDeduplicator(dedup, ModuleLogger.from(undefined, LOG_CONTEXT), metrics);
      },
      inject: [ZUMRAILS_WEBHOOK_OPTIONS],
    },
    // Runs the handlers this module's guard verified through the deduplicator; passes others.
    { provide: APP_INTERCEPTOR, useClass: WebhookDeduplicationInterceptor },
  ],
  exports: [WEBHOOK_MODULE_SECRETS, WEBHOOK_MODULE_DEDUPLICATOR],
})
export class ZumRailsWebhookModule extends ZumRailsWebhookConfigurableModule {}
