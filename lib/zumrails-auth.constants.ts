/** DI token of the options as given to `forRoot` or returned by the `forRootAsync` factory. */
export const ZUMRAILS_AUTH_OPTIONS = Symbol('ZUMRAILS_AUTH_OPTIONS');

/** DI token of the validated, defaulted options (`ResolvedZumRailsAuthOptions`). */
export const RESOLVED_OPTIONS = Symbol('ZUMRAILS_AUTH_RESOLVED_OPTIONS');

/** DI token of the `Clock` the library reads time from. */
export const ZUMRAILS_CLOCK = Symbol('ZUMRAILS_AUTH_CLOCK');

/** Nest logger context of every line this library logs. */
export const LOG_CONTEXT = 'ZumRailsAuth';

/** DI token of the account name a module serves: `'default'` or `forRoot({ name })`. */
export const ZUMRAILS_ACCOUNT = Symbol('ZUMRAILS_AUTH_ACCOUNT');

/** DI token of the module's own `TokenService`, whatever its public token. */
export const ACCOUNT_TOKEN_SERVICE = Symbol('ZUMRAILS_AUTH_ACCOUNT_TOKEN_SERVICE');
