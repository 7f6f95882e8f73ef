import { Inject } from '@nestjs/common';
import {
  getZumRailsTokenServiceToken,
  getZumRailsClientToken,
  getZumRailsHttpServiceToken,
} from './account-tokens.js';

/**
 * Injects the `ZumRailsTokenService` of the account `name` (`forRoot({ name })`); without a name, the
 * default account's (the same as plain `ZumRailsTokenService` constructor injection).
 * ```ts
 * constructor(@InjectZumRailsTokenService('payouts') private readonly payouts: ZumRailsTokenService) {}
 * ```
 * @throws ZumRailsConfigError when `name` is not a valid account name.
 */
export function InjectZumRailsTokenService(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getZumRailsTokenServiceToken(name));
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

/** @deprecated use `InjectZumRailsTokenService` (the same function); removed in 2.0 */
export const InjectTokenService = InjectZumRailsTokenService;
