import type { InjectionToken, Provider } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ZumRailsHealthIndicator } from './health/zumrails-health.indicator.js';
import {
  zumRailsClientProvider,
  zumRailsHttpServiceProvider,
} from './http/zumrails-http.providers.js';
import { ModuleLogger } from './logging/module-logger.js';
import { TokenEventLogger } from './logging/token-event-logger.js';
import { TokenMetrics } from './metrics/token-metrics.js';
import { AuthorizeClient } from './token/authorize.client.js';
import { TokenAcquirer } from './sharing/shared-acquirer.js';
import { TokenService } from './token/token.service.js';
import { ZumRailsTransport } from './transport/zumrails-transport.js';
import {
  authWebhookExports,
  authWebhookSecretsProvider,
} from './webhooks/auth-webhook-secrets.provider.js';
import { ACCOUNT_TOKEN_SERVICE, ZUMRAILS_ACCOUNT } from './zumrails-auth.constants.js';
import {
  clockProvider,
  metricsProvider,
  moduleLoggerProvider,
  resolvedOptionsProvider,
  resolvedStoreOptionsProvider,
  secretRedactorProvider,
  tokenStoreProvider,
} from './zumrails-auth.providers.js';
import { assertAccountsUnique } from './account-scope.js';
import {
  getTokenServiceToken,
  getZumRailsClientToken,
  getZumRailsHttpServiceToken,
} from './accounts/account-tokens.js';

/** Its factory runs the duplicate-account check at startup. */
const ACCOUNTS_CHECKED = Symbol('ZUMRAILS_AUTH_ACCOUNTS_CHECKED');

/**
 * Everything one account's module provides. Internal tokens stay private to the module, so two
 * accounts never share one; the public services go under the account's tokens (the classes
 * for the default account, exactly as before accounts existed).
 */
export function createAccountProviders(account: string): Provider[] {
  const tokenService = getTokenServiceToken(account);
  return [
    { provide: ZUMRAILS_ACCOUNT, useValue: account },
    { provide: ACCOUNTS_CHECKED, useFactory: assertAccountsUnique, inject: [ModulesContainer] },
    moduleLoggerProvider,
    resolvedOptionsProvider,
    clockProvider,
    metricsProvider,
    resolvedStoreOptionsProvider,
    tokenStoreProvider,
    ZumRailsTransport,
    secretRedactorProvider,
    AuthorizeClient,
    TokenAcquirer,
    { provide: tokenService, useClass: TokenService },
    { provide: ACCOUNT_TOKEN_SERVICE, useExisting: tokenService },
    TokenEventLogger,
    TokenMetrics,
    zumRailsHttpServiceProvider(getZumRailsHttpServiceToken(account)),
    zumRailsClientProvider(getZumRailsClientToken(account), getZumRailsHttpServiceToken(account)),
    ZumRailsHealthIndicator,
    authWebhookSecretsProvider(account),
  ];
}

/** What one account's module exports: its services under its tokens, and the health indicator. */
export function accountExports(account: string): InjectionToken[] {
  return [
    getTokenServiceToken(account),
    getZumRailsHttpServiceToken(account),
    getZumRailsClientToken(account),
    ZumRailsHealthIndicator,
    // For ZumRailsWebhookGuard in the app's controllers (default account only).
    ...authWebhookExports(account, ModuleLogger),
  ];
}
