import { Module } from '@nestjs/common';

/**
 * @internal The module class of every `ZumRailsAuthModule.forRoot()`/`forRootAsync()`: its
 * providers come from `createAccountProviders(name)`. It is not `ZumRailsAuthModule` itself,
 * whose static providers are there only to fail a bare import clearly.
 */
@Module({})
export class ZumRailsAuthAccountModule {}
