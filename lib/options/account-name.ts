import { ZumRailsConfigError } from '../errors/zumrails.errors.js';

/** The account of a `forRoot`/`forRootAsync` without `name`; its services use the class tokens. */
export const DEFAULT_ACCOUNT = 'default';

/** It ends up in log contexts, timer names and metric attributes: keep it plain. */
const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The account a `name` designates: `undefined` and `'default'` are the default account.
 * @throws ZumRailsConfigError when `name` is not 1-64 letters, digits, `.`, `_` or `-`.
 */
export function accountOf(name: unknown): string {
  if (name === undefined) return DEFAULT_ACCOUNT;
  if (typeof name !== 'string' || !ACCOUNT_NAME.test(name)) {
    throw new ZumRailsConfigError(
      'name',
      "must be 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit, e.g. 'payouts'",
    );
  }
  return name;
}

/** The Nest logger context of an account: `ZumRailsAuth` for the default, else `ZumRailsAuth:<name>`. */
export function accountLogContext(base: string, account: string): string {
  return account === DEFAULT_ACCOUNT ? base : `${base}:${account}`;
}
/*
 * The DI tokens of one account's options: as given, and resolved (private to its module).
 */

/** DI token of the options as given to `forRoot` or returned by the `forRootAsync` factory. */
export const ZUMRAILS_AUTH_OPTIONS = Symbol('ZUMRAILS_AUTH_OPTIONS');

/** DI token of the validated, defaulted options (`ResolvedZumRailsAuthOptions`). */
export const RESOLVED_OPTIONS = Symbol('ZUMRAILS_AUTH_RESOLVED_OPTIONS');
