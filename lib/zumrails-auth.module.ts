import { Module } from '@nestjs/common';
import { zumRailsHttpServiceProvider } from './http/zumrails-http.providers.js';
import { ZumRailsHttpService } from './http/zumrails-http.service.js';
import { ZumRailsHealthIndicator } from './health/zumrails-health.indicator.js';
import { TokenEventLogger } from './logging/token-event-logger.js';
import { AuthorizeClient } from './token/authorize.client.js';
import { TokenAcquirer } from './token/token-acquirer.js';
import { TokenService } from './token/token.service.js';
import { ZumRailsAuthConfigurableModule } from './zumrails-auth.definition.js';
import {
  clockProvider,
  moduleLoggerProvider,
  resolvedOptionsProvider,
  resolvedStoreOptionsProvider,
  tokenStoreProvider,
} from './zumrails-auth.providers.js';

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
 * @throws ZumRailsConfigError at module init when the options are invalid.
 */
@Module({
  providers: [
    moduleLoggerProvider,
    resolvedOptionsProvider,
    clockProvider,
    resolvedStoreOptionsProvider,
    tokenStoreProvider,
    AuthorizeClient,
    TokenAcquirer,
    TokenService,
    TokenEventLogger,
    zumRailsHttpServiceProvider,
    ZumRailsHealthIndicator,
  ],
  exports: [TokenService, ZumRailsHttpService, ZumRailsHealthIndicator],
})
export class ZumRailsAuthModule extends ZumRailsAuthConfigurableModule {}
