/** DI token of the validated, defaulted options (`ResolvedZumRailsAuthOptions`). */
export const RESOLVED_OPTIONS = Symbol('ZUMRAILS_AUTH_RESOLVED_OPTIONS');

/** DI token of the `Clock` the library reads time from. */
export const ZUMRAILS_CLOCK = Symbol('ZUMRAILS_AUTH_CLOCK');

/** Nest logger context of every line this library logs. */
export const LOG_CONTEXT = 'ZumRailsAuth';
