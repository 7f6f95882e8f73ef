import { Inject } from '@nestjs/common';
import { getTokenServiceToken, getZumRailsHttpServiceToken } from './account-tokens.js';

/**
 * Injects the `TokenService` of the account `name` (`forRoot({ name })`); without a name, the
 * default account's (the same as plain `TokenService` constructor injection).
 * ```ts
 * constructor(@InjectTokenService('payouts') private readonly payouts: TokenService) {}
 * ```
 * @throws ZumRailsConfigError when `name` is not a valid account name.
 */
export function InjectTokenService(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getTokenServiceToken(name));
}

/**
 * Injects the `ZumRailsHttpService` of the account `name`; without a name, the default account's.
 * ```ts
 * constructor(@InjectZumRailsHttpService('payouts') private readonly payouts: ZumRailsHttpService) {}
 * ```
 * @throws ZumRailsConfigError when `name` is not a valid account name.
 */
export function InjectZumRailsHttpService(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getZumRailsHttpServiceToken(name));
}
