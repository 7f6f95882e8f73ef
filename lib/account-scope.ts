import type { ModulesContainer } from '@nestjs/core';
import { ZumRailsConfigError } from './errors/zumrails.errors.js';
import { DEFAULT_ACCOUNT } from './options/account-name.js';
import { providedValue, scannedModules, type ScannedModule } from './scanned-modules.js';

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
