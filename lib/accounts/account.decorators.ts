import { Inject } from '@nestjs/common';
import {
  getTokenServiceToken,
  getZumRailsClientToken,
  getZumRailsHttpServiceToken,
} from './account-tokens.js';

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

/**
 * Injects the `ZumRailsClient` of the account `name`; without a name, the default account's.
 * ```ts
 * constructor(@InjectZumRailsClient('payouts') private readonly payouts: ZumRailsClient) {}
 * ```
 * @throws ZumRailsConfigError when `name` is not a valid account name.
 */
export function InjectZumRailsClient(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getZumRailsClientToken(name));
}
