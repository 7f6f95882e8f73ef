import type { InjectionToken, Provider } from '@nestjs/common';
import { DEFAULT_ACCOUNT } from '../options/account-name.js';
import { ZumRailsConfigError } from '../errors/zumrails-auth.errors.js';
import type { ZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { ZUMRAILS_AUTH_OPTIONS } from '../options/option-tokens.js';
import { ModuleLogger } from '../logging/module-logger.js';
import { resolveWebhookSecrets, warnAboutWeakSecrets } from './webhook-secrets.js';
import { AUTH_MODULE_WEBHOOK_SECRETS } from './zumrails-webhook.constants.js';

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

/** What the default account exports for the guard: its secret(s), and its logger. */
export function authWebhookExports(account: string, logger: InjectionToken): InjectionToken[] {
  return account === DEFAULT_ACCOUNT ? [AUTH_MODULE_WEBHOOK_SECRETS, logger] : [];
}
