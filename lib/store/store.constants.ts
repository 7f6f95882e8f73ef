/** DI token of the validated store options (`ResolvedStoreOptions`). */
export const RESOLVED_STORE_OPTIONS = Symbol('ZUMRAILS_AUTH_RESOLVED_STORE_OPTIONS');
