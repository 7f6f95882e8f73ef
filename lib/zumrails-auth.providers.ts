import type { InjectionToken, Provider } from '@nestjs/common';
import { ModuleRef, ModulesContainer } from '@nestjs/core';
import {
  getZumRailsTokenServiceToken,
  getZumRailsClientToken,
  getZumRailsHttpServiceToken,
} from './accounts/accounts.js';
import { ACCOUNT_MARKER, assertAccountsUnique } from './accounts/accounts.js';
import { ZumRailsHealthIndicator } from './health/zumrails-health.indicator.js';
import {
  apiRateLimiterProvider,
  zumRailsClientProvider,
  zumRailsHttpServiceProvider,
} from './http/zumrails-http.service.js';
import { logRecord } from './logging/module-logger.js';
import { assertInstalledNestLine } from './nest-line.js';
import { LOG_CONTEXT, ModuleLogger } from './logging/module-logger.js';
import { loadMeter } from './metrics/zumrails-metrics.js';
import { ZumRailsMetrics } from './metrics/zumrails-metrics.js';
import {
  accountLogContext,
  DEFAULT_ACCOUNT,
  RESOLVED_OPTIONS,
  ZUMRAILS_AUTH_OPTIONS,
} from './options/account-name.js';
import { checkOptions } from './options/resolve-options.js';
import type {
  ResolvedZumRailsAuthOptions,
  ZumRailsAuthOptions,
} from './options/zumrails-auth-options.interface.js';
import { SharedTokenAcquirer } from './sharing/shared-acquirer.js';
import { AuthorizeClient } from './token/authorize.client.js';
import { LoginAcquirer, TokenAcquirer, TokenLogin } from './token/token-acquirer.js';
import { ZumRailsTokenService } from './token/token.service.js';
import { proxySecrets, ZumRailsTransport } from './transport/zumrails-transport.js';
import { SecretRedactor } from './util/redact.js';
import {
  authWebhookDeduplicationProviders,
  authWebhookExports,
  authWebhookSecretsProvider,
} from './webhooks/webhook-secrets.js';
import type { WebhookSecrets } from './webhooks/webhook-secrets.js';
import { AUTH_MODULE_WEBHOOK_SECRETS } from './webhooks/webhook-secrets.js';

/**
 * Everything one account's module provides, from two DI tokens of its own: the options as
 * given and the options resolved. Every other provider is a class (private to the module, so
 * two accounts never share one); the public services go under the account's tokens (the
 * classes themselves for the default account).
 */
export function createAccountProviders(account: string): Provider[] {
  const tokenService = getZumRailsTokenServiceToken(account);
  const httpService = getZumRailsHttpServiceToken(account);
  return [
    { provide: ACCOUNT_MARKER, useValue: account },
    moduleLoggerProvider(account),
    resolvedOptionsProvider(account),
    metricsProvider(account),
    ZumRailsTransport,
    secretRedactorProvider,
    AuthorizeClient,
    TokenLogin,
    tokenAcquirerProvider,
    { provide: tokenService, useClass: ZumRailsTokenService },
    apiRateLimiterProvider(tokenService),
    zumRailsHttpServiceProvider(httpService, tokenService),
    zumRailsClientProvider(getZumRailsClientToken(account), httpService),
    {
      provide: ZumRailsHealthIndicator,
      useFactory: (tokens: ZumRailsTokenService, moduleRef: ModuleRef) =>
        new ZumRailsHealthIndicator(tokens, moduleRef),
      inject: [tokenService, ModuleRef],
    },
    authWebhookSecretsProvider(account),
    ...authWebhookDeduplicationProviders(account),
  ];
}

/** What one account's module exports: its services under its tokens, and the health indicator. */
export function accountExports(account: string): InjectionToken[] {
  return [
    getZumRailsTokenServiceToken(account),
    getZumRailsHttpServiceToken(account),
    getZumRailsClientToken(account),
    ZumRailsHealthIndicator,
    // For ZumRailsWebhookGuard in the app's controllers (default account only).
    ...authWebhookExports(account),
  ];
}

/**
 * Where the module logs: the `logger` option, nowhere (`false`) or Nest's `Logger`, under the
 * account's context (`ZumRailsAuth`, or `ZumRailsAuth:<name>` for a named account).
 */
function moduleLoggerProvider(account: string): Provider {
  return {
    provide: ModuleLogger,
    useFactory: (options: ZumRailsAuthOptions | undefined) =>
      ModuleLogger.from(
        options?.logger,
        accountLogContext(LOG_CONTEXT, account),
        account === DEFAULT_ACCOUNT ? undefined : account,
      ),
    inject: [ZUMRAILS_AUTH_OPTIONS],
  };
}

const STORE_IN_CLEAR =
  "store is set without storeEncryptionKey: the fleet's bearer token is kept in the store in clear; " +
  'set storeEncryptionKey (32 random bytes, e.g. `openssl rand -base64 32`) on every replica';

/**
 * Validates the options once, at module init, in one pass (store options included); a bad
 * configuration, an account configured twice, or companion packages of another Nest line than
 * `@nestjs/common` (see nest-line.ts) fail the app's start. Keys no option has
 * (a typo) are named first, in one warning, whether they came from `forRoot` or a
 * `forRootAsync` factory; a `store` without `storeEncryptionKey` gets one warning too.
 */
function resolvedOptionsProvider(account: string): Provider {
  return {
    provide: RESOLVED_OPTIONS,
    useFactory: (
      options: ZumRailsAuthOptions,
      logger: ModuleLogger,
      container: ModulesContainer,
    ): ResolvedZumRailsAuthOptions => {
      assertAccountsUnique(container);
      assertInstalledNestLine();
      const { options: resolved, warnings } = checkOptions(options, account);
      for (const warning of warnings) logger.warn(warning);
      if (resolved.sharing && !resolved.sharing.encryptionKey) {
        logger.warn(logRecord('store-unencrypted', STORE_IN_CLEAR));
      }
      return resolved;
    },
    inject: [ZUMRAILS_AUTH_OPTIONS, ModuleLogger, ModulesContainer],
  };
}

/**
 * The OpenTelemetry instruments, on the `meterProvider` option or the global one; no-ops when
 * `@opentelemetry/api` is not installed (loaded on demand, once, at module init).
 */
function metricsProvider(account: string): Provider {
  return {
    provide: ZumRailsMetrics,
    useFactory: async (options: ZumRailsAuthOptions | undefined) =>
      new ZumRailsMetrics(
        await loadMeter(options?.meterProvider),
        // Only named accounts carry the attribute: a single-account app keeps its series plain.
        account === DEFAULT_ACCOUNT ? undefined : account,
      ),
    inject: [ZUMRAILS_AUTH_OPTIONS],
  };
}

/**
 * Without a `store`, every acquisition is a login; with one, the fleet's lease protocol
 * (lib/sharing) decides between adopting the stored token and logging in.
 */
const tokenAcquirerProvider: Provider = {
  provide: TokenAcquirer,
  useFactory: (options: ResolvedZumRailsAuthOptions, logins: TokenLogin, logger: ModuleLogger) =>
    options.sharing
      ? new SharedTokenAcquirer(options, options.sharing, logins, logger)
      : new LoginAcquirer(logins),
  inject: [RESOLVED_OPTIONS, TokenLogin, ModuleLogger],
};

/**
 * The module's secrets, redacted from every error, status, event and log: the password, the
 * proxy credentials (option or environment, see `proxySecrets`) and the webhook secret(s) from
 * the options here; `ZumRailsTokenService` adds the current and previous tokens as they change.
 */
const secretRedactorProvider: Provider = {
  provide: SecretRedactor,
  useFactory: (options: ResolvedZumRailsAuthOptions, webhook: WebhookSecrets) => {
    const redactor = new SecretRedactor();
    redactor.set('password', [options.password]);
    redactor.set('proxy', proxySecrets(options.transport.proxy));
    redactor.set('webhook', webhook.values);
    return redactor;
  },
  inject: [RESOLVED_OPTIONS, AUTH_MODULE_WEBHOOK_SECRETS],
};
