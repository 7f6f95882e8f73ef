import type { InjectionToken, Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import { logRecord } from '../logging/module-logger.js';
import { ModuleLogger, type RecordLogger } from '../logging/module-logger.js';
import { loadMeter } from '../metrics/zumrails-metrics.js';
import { WebhookMetrics } from '../metrics/zumrails-metrics.js';
import {
  DEFAULT_ACCOUNT,
  RESOLVED_OPTIONS,
  ZUMRAILS_AUTH_OPTIONS,
} from '../options/account-name.js';
import { webhookSecrets } from '../options/option-checks.js';
import { resolveDeduplicateOptions } from '../options/resolve-options.js';
import type {
  ResolvedZumRailsAuthOptions,
  ZumRailsAuthOptions,
} from '../options/zumrails-auth-options.interface.js';
import { accountStoreId } from '../sharing/shared-token.js';
import { WebhookDeduplicator } from './webhook-deduplicator.js';
import { WebhookDeduplicationInterceptor } from './webhook-request.js';

/** DI token of the `WebhookSecrets` from `ZumRailsAuthModule`'s `webhookSecret` option. */
export const AUTH_MODULE_WEBHOOK_SECRETS = Symbol('ZUMRAILS_AUTH_WEBHOOK_SECRETS');

/** DI token of the `WebhookDeduplicator` (or null) of `ZumRailsAuthModule`'s `deduplicate`. */
export const AUTH_MODULE_WEBHOOK_DEDUPLICATOR = Symbol('ZUMRAILS_AUTH_WEBHOOK_DEDUPLICATOR');

/**
 * DI token of what `ZumRailsAuthModule` (default account) gives `ZumRailsWebhookGuard` in the
 * app's controllers: its only export for webhooks, so its logger and the rest stay private.
 */
export const AUTH_MODULE_WEBHOOK = Symbol('ZUMRAILS_AUTH_WEBHOOK');

/** What {@link AUTH_MODULE_WEBHOOK} holds. */
export interface AuthModuleWebhook {
  readonly secrets: WebhookSecrets;
  readonly deduplicator: WebhookDeduplicator | null;
  /** The module's logger (its `logger` option). */
  readonly logger: ModuleLogger;
}

/** DI token of the `WebhookDeduplicator` (or null) of `ZumRailsWebhookModule`'s `deduplicate`. */
export const WEBHOOK_MODULE_DEDUPLICATOR = Symbol('ZUMRAILS_WEBHOOK_MODULE_DEDUPLICATOR');

/** DI token of the `WebhookSecrets` of `ZumRailsWebhookModule.forRoot({ secret })`. */
export const WEBHOOK_MODULE_SECRETS = Symbol('ZUMRAILS_WEBHOOK_MODULE_SECRETS');

/** Shorter than this is guessable offline from one captured webhook (the HMAC is its oracle). */
const MIN_STRONG_LENGTH = 16;
/** Values from tutorials and .env templates, compared lower-cased without separators. */
const PLACEHOLDERS = new Set([
  'changeme',
  'secret',
  'test',
  'testing',
  'password',
  'webhook',
  'webhooksecret',
  'zumrailswebhooksecret',
  'yourwebhooksecret',
  'yourwebhooksecrethere',
  'mysecret',
  'default',
  'example',
  'placeholder',
  'todo',
  'dummy',
  'xxx',
  'xxxxxxxxxxxxxxxx',
  '1234567890123456',
]);

/**
 * The validated webhook secret(s). The values live in a private field, so neither
 * `JSON.stringify` nor `util.inspect` of this object (or of a provider holding it) shows them.
 */
export class WebhookSecrets {
  readonly #values: readonly string[];

  constructor(values: readonly string[]) {
    this.#values = Object.freeze([...values]);
  }

  /** The secrets, newest first; empty when none is configured. */
  get values(): readonly string[] {
    return this.#values;
  }

  /** Whether at least one secret is configured. */
  get configured(): boolean {
    return this.#values.length > 0;
  }

  toJSON(): Record<string, unknown> {
    return { secrets: this.#values.length };
  }
}

/**
 * Validates a webhook secret option (`string` or array of strings) once, at module init, with
 * the option table's check. `undefined` means "not configured" (empty {@link WebhookSecrets}).
 * @throws ZumRailsConfigError naming `field`; the message never contains a secret.
 */
export function resolveWebhookSecrets(value: unknown, field: string): WebhookSecrets {
  if (value === undefined) return new WebhookSecrets([]);
  return new WebhookSecrets(
    webhookSecrets(value, { path: field, password: undefined }) as string[],
  );
}

/**
 * Warns, once per secret at startup, about a secret shorter than 16 characters or a known
 * placeholder (`changeme`, `secret`, `test`, ...), naming the option and never the value: such a
 * secret still works (the vendor's portal may issue it), but anyone can forge webhooks with it.
 */
export function warnAboutWeakSecrets(
  secrets: WebhookSecrets,
  field: string,
  logger: RecordLogger,
): void {
  secrets.values.forEach((secret, index) => {
    const weakness = weaknessOf(secret);
    if (weakness === undefined) return;
    const name = secrets.values.length > 1 ? `${field}[${index}]` : field;
    logger.warn(
      logRecord(
        'webhook-secret-weak',
        `${name} is ${weakness}: anyone who guesses it can forge webhooks; use the Webhook Secret from the Zum Rails portal`,
        { option: name },
      ),
    );
  });
}

function weaknessOf(secret: string): string | undefined {
  if (PLACEHOLDERS.has(secret.toLowerCase().replace(/[^a-z0-9]/g, ''))) {
    return 'a known placeholder';
  }
  if (secret.length < MIN_STRONG_LENGTH) {
    return `shorter than ${MIN_STRONG_LENGTH} characters`;
  }
  return undefined;
}

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
  const forGuard: Provider = {
    provide: AUTH_MODULE_WEBHOOK,
    useFactory: (
      secrets: WebhookSecrets,
      dedup: WebhookDeduplicator | null,
      logger: ModuleLogger,
    ): AuthModuleWebhook => ({ secrets, deduplicator: dedup, logger }),
    inject: [AUTH_MODULE_WEBHOOK_SECRETS, AUTH_MODULE_WEBHOOK_DEDUPLICATOR, ModuleLogger],
  };
  return account === DEFAULT_ACCOUNT
    ? [
        deduplicator,
        forGuard,
        { provide: APP_INTERCEPTOR, useClass: WebhookDeduplicationInterceptor },
      ]
    : [deduplicator];
}

/** What the default account exports for the guard: one private token (see `AUTH_MODULE_WEBHOOK`). */
export function authWebhookExports(account: string): InjectionToken[] {
  return account === DEFAULT_ACCOUNT ? [AUTH_MODULE_WEBHOOK] : [];
}
