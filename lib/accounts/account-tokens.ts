import type { InjectionToken } from '@nestjs/common';
import { ZumRailsHttpService } from '../http/zumrails-http.service.js';
import { ZumRailsClient } from '../http/zumrails.client.js';
import { ZumRailsTokenService } from '../token/token.service.js';
import { accountOf, DEFAULT_ACCOUNT } from '../options/account-name.js';

/** The default account keeps the class as its token, so plain constructor injection works. */
function accountToken<T>(defaultToken: InjectionToken<T>, service: string, name?: string) {
  const account = accountOf(name);
  return account === DEFAULT_ACCOUNT ? defaultToken : `ZumRailsAuth:${account}:${service}`;
}

/**
 * DI token of an account's `ZumRailsTokenService`: the `ZumRailsTokenService` class for the default account
 * (no name, or `'default'`), `'ZumRailsAuth:<name>:TokenService'` for a named one. For
 * `moduleRef.get(getZumRailsTokenServiceToken('payouts'))` and custom providers' `inject`.
 * @throws ZumRailsConfigError when `name` is not a valid account name.
 */
export function getZumRailsTokenServiceToken(name?: string): InjectionToken<ZumRailsTokenService> {
  return accountToken(ZumRailsTokenService, 'TokenService', name);
}

/**
 * DI token of an account's `ZumRailsHttpService`: the class for the default account,
 * `'ZumRailsAuth:<name>:ZumRailsHttpService'` for a named one.
 * @throws ZumRailsConfigError when `name` is not a valid account name.
 */
export function getZumRailsHttpServiceToken(name?: string): InjectionToken<ZumRailsHttpService> {
  return accountToken(ZumRailsHttpService, 'ZumRailsHttpService', name);
}

/**
 * DI token of an account's `ZumRailsClient`: the class for the default account,
 * `'ZumRailsAuth:<name>:ZumRailsClient'` for a named one.
 * @throws ZumRailsConfigError when `name` is not a valid account name.
 */
export function getZumRailsClientToken(name?: string): InjectionToken<ZumRailsClient> {
  return accountToken(ZumRailsClient, 'ZumRailsClient', name);
}

/** @deprecated use `getZumRailsTokenServiceToken` (the same function); removed in 2.0 */
export const getTokenServiceToken = getZumRailsTokenServiceToken;
