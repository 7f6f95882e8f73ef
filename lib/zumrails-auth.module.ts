import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { assertOptionsObject } from './options/resolve-options.js';
import {
  ZumRailsAuthConfigurableModule,
  type ZumRailsAuthModuleOptions,
} from './zumrails-auth.definition.js';
import { ModulesContainer } from '@nestjs/core';
import { ZumRailsConfigError } from './errors/zumrails.errors.js';
import { ZumRailsHealthIndicator } from './health/zumrails-health.indicator.js';
import { ZumRailsHttpService } from './http/zumrails-http.service.js';
import { ZumRailsClient } from './http/zumrails.client.js';
import { ZumRailsTokenService } from './token/token.service.js';
import { scannedModules } from './accounts/accounts.js';

/** Present only in the bare `ZumRailsAuthModule`, never in a `forRoot`/`forRootAsync` one. */
const BARE_IMPORT = Symbol('ZUMRAILS_AUTH_BARE_IMPORT');

/** What the bare module exports: each of them fails with the same clear error. */
const BARE_IMPORT_EXPORTS = [
  ZumRailsTokenService,
  ZumRailsHttpService,
  ZumRailsClient,
  ZumRailsHealthIndicator,
];

function bareImportError(container: ModulesContainer): ZumRailsConfigError {
  const importers = scannedModules(container)
    .filter((module) => [...module.imports].some((i) => i.providers.has(BARE_IMPORT)))
    .map((module) => module.name);
  const where = importers.length > 0 ? `${importers.join(', ')} imports` : 'imported';
  return new ZumRailsConfigError(
    'forRoot',
    `missing: ${where} ZumRailsAuthModule itself, which provides nothing. Import ` +
      'ZumRailsAuthModule.forRoot({ ... }) or forRootAsync({ ... }) once (isGlobal: true shares ' +
      'it with every module), and elsewhere import the module that configured it, not ZumRailsAuthModule',
  );
}

/**
 * The static providers of `ZumRailsAuthModule`: importing the class without `forRoot()` (the
 * `HttpModule` habit) fails the start with a `ZumRailsConfigError` that says what to write,
 * whether or not something injects its services, instead of an unresolvable dependency.
 */
const BARE_IMPORT_PROVIDERS: Provider[] = [
  { provide: BARE_IMPORT, useValue: true },
  ...BARE_IMPORT_EXPORTS.map((token) => ({
    provide: token,
    useFactory: (container: ModulesContainer) => {
      throw bareImportError(container);
    },
    inject: [ModulesContainer],
  })),
];

// Imported bare, the class provides only services that fail with a clear message; every
// forRoot/forRootAsync module is built from the account's name instead (see the definition).
/**
 * Authenticated access to the Zum Rails API.
 *
 * ```ts
 * ZumRailsAuthModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({
 *     environment: 'sandbox',
 *     username: config.getOrThrow('ZUMRAILS_USERNAME'),
 *     password: config.getOrThrow('ZUMRAILS_PASSWORD'),
 *   }),
 * })
 * ```
 * `forRoot({ name: 'payouts', ... })` / `forRootAsync({ name: 'payouts', ... })` configure a
 * named account (see `getZumRailsTokenServiceToken`); without `name`, the default account.
 * @throws ZumRailsConfigError at module init when the options are invalid, when an account is
 *   configured twice, or when the class is imported without `forRoot`/`forRootAsync`.
 */
@Module({ providers: BARE_IMPORT_PROVIDERS, exports: BARE_IMPORT_EXPORTS })
export class ZumRailsAuthModule extends ZumRailsAuthConfigurableModule {
  /**
   * One account's module with static options (and the `isGlobal`, `name` extras).
   * @throws ZumRailsConfigError when `options` is not an object (e.g. `forRoot(undefined)`);
   *   the fields themselves are validated at module init.
   */
  static override forRoot(options: ZumRailsAuthModuleOptions): DynamicModule {
    assertOptionsObject(options);
    return super.forRoot(options);
  }
}
