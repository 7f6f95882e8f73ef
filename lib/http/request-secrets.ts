import type { SecretRedactor } from '../util/redact.js';

/**
 * The redactor of the module whose interceptor handled a request, keyed by the request config
 * object (axios hands that same object to the `AxiosError` it builds). Any `ZumRailsHttpError`
 * built from such an error, by the interceptor or by later code, redacts the module's secrets.
 */
const redactors = new WeakMap<object, SecretRedactor>();

export function noteRequestSecrets(config: object, redactor: SecretRedactor): void {
  redactors.set(config, redactor);
}

export function requestSecrets(config: object | undefined): SecretRedactor | undefined {
  return config ? redactors.get(config) : undefined;
}
