import type { SecretRedactor } from '../util/redact.js';

/**
 * What `attachZumRailsAuth` learns from a `TokenService` beyond its public API: the module's
 * secrets (to redact errors) and the configured base URL (the only origin the bearer goes to).
 * Behind a symbol so it is neither public API nor in `JSON.stringify` output.
 */
export const AUTH_CONTEXT = Symbol('zumrails-auth-context');

export interface AuthContext {
  readonly redactor: SecretRedactor;
  readonly baseUrl: string;
}

/** The context of `source` when it is a `TokenService`, else undefined. */
export function authContextOf(source: object): AuthContext | undefined {
  return (source as { [AUTH_CONTEXT]?: AuthContext })[AUTH_CONTEXT];
}
