import { Module, type DynamicModule } from '@nestjs/common';
import { BARE_IMPORT_EXPORTS, BARE_IMPORT_PROVIDERS } from './bare-import.providers.js';
import { assertOptionsObject } from './options/resolve-options.js';
import {
  ZumRailsAuthConfigurableModule,
  type ZumRailsAuthModuleOptions,
} from './zumrails-auth.definition.js';

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
