/** DI token of the options as given to `forRoot` or returned by the `forRootAsync` factory. */
export const ZUMRAILS_AUTH_OPTIONS = Symbol('ZUMRAILS_AUTH_OPTIONS');

/** DI token of the validated, defaulted options (`ResolvedZumRailsAuthOptions`). */
export const RESOLVED_OPTIONS = Symbol('ZUMRAILS_AUTH_RESOLVED_OPTIONS');
