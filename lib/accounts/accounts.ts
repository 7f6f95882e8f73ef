import { type InjectionToken, Inject } from '@nestjs/common';
import { ZumRailsHttpService } from '../http/zumrails-http.service.js';
import { ZumRailsClient } from '../http/zumrails.client.js';
import { ZumRailsTokenService } from '../token/token.service.js';
import { accountOf, DEFAULT_ACCOUNT } from '../options/account-name.js';
import type { ModuleRef, ModulesContainer } from '@nestjs/core';
import { ZumRailsConfigError } from '../errors/zumrails.errors.js';

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

/**
 * The `ZumRailsTokenService` of `account` anywhere in the app (names are unique app-wide, checked at
 * startup).
 * @throws ZumRailsConfigError when no module configures that account.
 */
export function findAccountTokens(moduleRef: ModuleRef, account: string): ZumRailsTokenService {
  try {
    return moduleRef.get(getZumRailsTokenServiceToken(account), { strict: false });
  } catch {
    throw new ZumRailsConfigError(
      'account',
      account === DEFAULT_ACCOUNT
        ? 'no default account (forRoot without a name) is configured: name the account to use'
        : `no Zum Rails account "${account}" is configured: add ` +
            `ZumRailsAuthModule.forRoot({ name: '${account}', ... }) or check the spelling`,
    );
  }
}

/** Marks an account's module with the account it serves (read by the startup checks). */
export const ACCOUNT_MARKER = Symbol('ZUMRAILS_AUTH_ACCOUNT');

/** The account an account module serves, or undefined for every other module. */
function accountServedBy(module: ScannedModule): string | undefined {
  const account = providedValue(module, ACCOUNT_MARKER);
  return typeof account === 'string' ? account : undefined;
}

/**
 * Fails the start when the same account is configured twice, since its tokens would then
 * silently resolve to one of the two: a named account anywhere in the app, the default
 * account in one module's scope (its imports, globals included).
 * @throws ZumRailsConfigError naming the account and the module.
 */
export function assertAccountsUnique(container: ModulesContainer): void {
  const modules = scannedModules(container);
  const seen = new Map<string, ScannedModule>();
  for (const module of modules) {
    const account = accountServedBy(module);
    if (account === undefined || account === DEFAULT_ACCOUNT) continue;
    if (seen.has(account)) throw duplicateName(account);
    seen.set(account, module);
  }
  for (const module of modules) {
    const defaults = [...module.imports].filter((i) => accountServedBy(i) === DEFAULT_ACCOUNT);
    if (defaults.length > 1) throw duplicateDefault(module.name);
  }
}

function duplicateName(account: string): ZumRailsConfigError {
  return new ZumRailsConfigError(
    'name',
    `the account "${account}" is configured twice (two forRoot()/forRootAsync() with name ` +
      `"${account}"): configure each account once, in a shared or global module, and import that`,
  );
}

function duplicateDefault(moduleName: string): ZumRailsConfigError {
  return new ZumRailsConfigError(
    'name',
    `${moduleName} imports two ZumRailsAuthModule.forRoot()/forRootAsync() without a name ` +
      "(globals included): give all accounts but one a name, e.g. forRoot({ name: 'payouts', ... })",
  );
}

/** The part of Nest's scanned `Module` the startup checks read (stable since Nest 8). */
export interface ScannedModule {
  readonly name: string;
  readonly imports: Set<ScannedModule>;
  readonly providers: Map<InjectionToken, { readonly instance: unknown }>;
}

/** Every module of the application being started, globals already bound into `imports`. */
export function scannedModules(container: ModulesContainer): ScannedModule[] {
  return [...(container as unknown as Map<string, ScannedModule>).values()];
}

/** The value of a `useValue` provider of `module`, when it has one under `token`. */
export function providedValue(module: ScannedModule, token: InjectionToken): unknown {
  return module.providers.get(token)?.instance;
}
