import type { Provider } from '@nestjs/common';
import { DEFAULT_ACCOUNT, accountLogContext } from './options/account-name.js';
import { systemClock, type Clock } from './util/clock.js';
import { logRecord } from './logging/log-record.js';
import { ModuleLogger } from './logging/module-logger.js';
import { loadMeter } from './metrics/load-meter.js';
import { ZumRailsMetrics } from './metrics/zumrails-metrics.js';
import type {
  ResolvedZumRailsAuthOptions,
  ZumRailsAuthOptions,
} from './options/zumrails-auth-options.interface.js';
import { resolveOptions } from './options/resolve-options.js';
import { resolveStoreOptions } from './options/resolve-store-options.js';
import { describeUnknownOptions, findUnknownOptions } from './options/unknown-options.js';
import { InMemoryTokenStore } from './store/in-memory-token.store.js';
import { RESOLVED_STORE_OPTIONS } from './store/store.constants.js';
import { TokenStore } from './store/token-store.interface.js';
import { proxySecrets } from './transport/proxy-secrets.js';
import { SecretRedactor } from './util/redact.js';
import type { WebhookSecrets } from './webhooks/webhook-secrets.js';
import { AUTH_MODULE_WEBHOOK_SECRETS } from './webhooks/zumrails-webhook.constants.js';
import {
  LOG_CONTEXT,
  RESOLVED_OPTIONS,
  ZUMRAILS_ACCOUNT,
  ZUMRAILS_AUTH_OPTIONS,
  ZUMRAILS_CLOCK,
} from './zumrails-auth.constants.js';

/**
 * Where the module logs: the `logger` option, nowhere (`false`) or Nest's `Logger`, under the
 * account's context (`ZumRailsAuth`, or `ZumRailsAuth:<name>` for a named account).
 */
export const moduleLoggerProvider: Provider = {
  provide: ModuleLogger,
  useFactory: (options: ZumRailsAuthOptions | undefined, account: string) =>
    ModuleLogger.from(
      options?.logger,
      accountLogContext(LOG_CONTEXT, account),
      account === DEFAULT_ACCOUNT ? undefined : account,
    ),
  inject: [ZUMRAILS_AUTH_OPTIONS, ZUMRAILS_ACCOUNT],
};

/**
 * Validates the options once, at module init; a bad configuration fails the app's start. Keys
 * no option has (a typo) are named first, in one warning, whether they came from `forRoot` or
 * a `forRootAsync` factory.
 */
export const resolvedOptionsProvider: Provider = {
  provide: RESOLVED_OPTIONS,
  useFactory: (options: ZumRailsAuthOptions, logger: ModuleLogger, account: string) => {
    const unknown = findUnknownOptions(options);
    if (unknown.length > 0) {
      const keys = unknown.map(({ key }) => key).join(',');
      logger.warn(logRecord('unknown-options', describeUnknownOptions(unknown), { keys }));
    }
    return resolveOptions(options, account);
  },
  inject: [ZUMRAILS_AUTH_OPTIONS, ModuleLogger, ZUMRAILS_ACCOUNT],
};

export const clockProvider: Provider = {
  provide: ZUMRAILS_CLOCK,
  useFactory: (options: ZumRailsAuthOptions | undefined) => options?.clock ?? systemClock,
  inject: [ZUMRAILS_AUTH_OPTIONS],
};

/** Validates `store`, `storeTimeoutMs` and `storeEncryptionKey` once, at module init. */
export const resolvedStoreOptionsProvider: Provider = {
  provide: RESOLVED_STORE_OPTIONS,
  useFactory: (options: ZumRailsAuthOptions | undefined) => resolveStoreOptions(options),
  inject: [ZUMRAILS_AUTH_OPTIONS],
};

/** The option's store, or an in-memory one private to this module (no sharing). */
export const tokenStoreProvider: Provider = {
  provide: TokenStore,
  useFactory: (options: ZumRailsAuthOptions | undefined, clock: Clock): TokenStore =>
    options?.store ?? new InMemoryTokenStore(clock),
  inject: [ZUMRAILS_AUTH_OPTIONS, ZUMRAILS_CLOCK],
};

/**
 * The OpenTelemetry instruments, on the `meterProvider` option or the global one; no-ops when
 * `@opentelemetry/api` is not installed (loaded on demand, once, at module init).
 */
export const metricsProvider: Provider = {
  provide: ZumRailsMetrics,
  useFactory: async (options: ZumRailsAuthOptions | undefined, account: string) =>
    new ZumRailsMetrics(
      await loadMeter(options?.meterProvider),
      // Only named accounts carry the attribute: a single-account app keeps its series plain.
      account === DEFAULT_ACCOUNT ? undefined : account,
    ),
  inject: [ZUMRAILS_AUTH_OPTIONS, ZUMRAILS_ACCOUNT],
};

/**
 * The module's secrets, redacted from every error, status, event and log: the password, the
 * proxy credentials (option or environment, see `proxySecrets`) and the webhook secret(s) from
 * the options here; `TokenService` adds the current and previous tokens as they change.
 */
export const secretRedactorProvider: Provider = {
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
