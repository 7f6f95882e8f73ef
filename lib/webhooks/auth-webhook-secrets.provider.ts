import type { InjectionToken, Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { loadMeter } from '../metrics/zumrails-metrics.js';
import { WebhookMetrics } from '../metrics/zumrails-metrics.js';
import { RESOLVED_OPTIONS } from '../options/option-tokens.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { accountStoreId } from '../sharing/shared-token.js';
import { resolveDeduplicateOptions } from './deduplicate-options.js';
import { WebhookDeduplicationInterceptor } from './webhook-deduplication.interceptor.js';
import { WebhookDeduplicator } from './webhook-deduplicator.js';
import { DEFAULT_ACCOUNT } from '../options/account-name.js';
import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import type { ZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { ZUMRAILS_AUTH_OPTIONS } from '../options/option-tokens.js';
import { ModuleLogger } from '../logging/module-logger.js';
import { resolveWebhookSecrets, warnAboutWeakSecrets } from './webhook-secrets.js';
import {
  AUTH_MODULE_WEBHOOK_DEDUPLICATOR,
  AUTH_MODULE_WEBHOOK_SECRETS,
} from './zumrails-webhook.constants.js';

/**
 * Validates `webhookSecret` once, at module init (empty when the option is absent: the app may
 * not receive webhooks, or configure them in `ZumRailsWebhookModule`). Only the default
 * account's secret reaches `ZumRailsWebhookGuard`, so a named account refuses the option rather
 * than ignore it. A weak secret (short, or a placeholder) is accepted with a warning. The module's redactor reads them too (`secretRedactorProvider`): should a
 * vendor text ever echo one, it is redacted from errors, status and logs.
 */
export function authWebhookSecretsProvider(account: string): Provider {
  return {
    provide: AUTH_MODULE_WEBHOOK_SECRETS,
    useFactory: (options: ZumRailsAuthOptions | undefined, logger: ModuleLogger) => {
      if (account !== DEFAULT_ACCOUNT && options?.webhookSecret !== undefined) {
        throw new ZumRailsConfigError(
          'webhookSecret',
          `is read from the default account only, not from "${account}": set it on the account ` +
            'without a name, or in ZumRailsWebhookModule.forRoot({ secret })',
        );
      }
      const secrets = resolveWebhookSecrets(options?.webhookSecret, 'webhookSecret');
      warnAboutWeakSecrets(secrets, 'webhookSecret', logger);
      return secrets;
    },
    inject: [ZUMRAILS_AUTH_OPTIONS, ModuleLogger],
  };
}

/**
 * The `deduplicate` option's `WebhookDeduplicator` (null without it), namespaced by the account
 * (baseUrl and username, as its token keys), and the global interceptor that runs the guarded
 * handlers through it (default account only; it passes every other request through).
 */
export function authWebhookDeduplicationProviders(account: string): Provider[] {
  const deduplicator: Provider = {
    provide: AUTH_MODULE_WEBHOOK_DEDUPLICATOR,
    useFactory: async (
      options: ZumRailsAuthOptions | undefined,
      resolved: ResolvedZumRailsAuthOptions,
      logger: ModuleLogger,
    ) => {
      if (options?.deduplicate === undefined) return null;
      if (account !== DEFAULT_ACCOUNT) {
        throw new ZumRailsConfigError(
          'deduplicate',
          `is read from the default account only, not from "${account}": set it next to webhookSecret`,
        );
      }
      const dedup = resolveDeduplicateOptions(
        options.deduplicate,
        'deduplicate',
        accountStoreId(resolved.baseUrl, resolved.username),
      )!;
      const metrics = new WebhookMetrics(await loadMeter(options.meterProvider));
      return new WebhookDeduplicator(dedup, logger, metrics);
    },
    inject: [ZUMRAILS_AUTH_OPTIONS, RESOLVED_OPTIONS, ModuleLogger],
  };
  return account === DEFAULT_ACCOUNT
    ? [deduplicator, { provide: APP_INTERCEPTOR, useClass: WebhookDeduplicationInterceptor }]
    : [deduplicator];
}

/** What the default account exports for the guard: its secret(s), deduplicator and logger. */
export function authWebhookExports(account: string, logger: InjectionToken): InjectionToken[] {
  return account === DEFAULT_ACCOUNT
    ? [AUTH_MODULE_WEBHOOK_SECRETS, AUTH_MODULE_WEBHOOK_DEDUPLICATOR, logger]
    : [];
}
