import type { InjectionToken } from '@nestjs/common';
import { ZumRailsHttpService } from '../http/zumrails-http.service.js';
import { ZumRailsClient } from '../http/zumrails.client.js';
import { TokenService } from '../token/token.service.js';
import { accountOf, DEFAULT_ACCOUNT } from '../options/account-name.js';

/** The default account keeps the class as its token, so plain constructor injection works. */
function accountToken<T>(defaultToken: InjectionToken<T>, service: string, name?: string) {
  const account = accountOf(name);
  return account === DEFAULT_ACCOUNT ? defaultToken : `ZumRailsAuth:${account}:${service}`;
}

/**
 * DI token of an account's `TokenService`: the `TokenService` class for the default account
 * (no name, or `'default'`), `'ZumRailsAuth:<name>:TokenService'` for a named one. For
 * `moduleRef.get(getTokenServiceToken('payouts'))` and custom providers' `inject`.
 * @throws ZumRailsConfigError when `name` is not a valid account name.
 */
export function getTokenServiceToken(name?: string): InjectionToken<TokenService> {
  return accountToken(TokenService, 'TokenService', name);
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
