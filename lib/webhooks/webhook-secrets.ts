import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import { logRecord } from '../logging/module-logger.js';
import type { RecordLogger } from '../logging/module-logger.js';

/** More would mean a rotation that never ended; each costs one HMAC per webhook. */
const MAX_SECRETS = 5;
const MAX_SECRET_LENGTH = 1_024;
/** Shorter than this is guessable offline from one captured webhook (the HMAC is its oracle). */
const MIN_STRONG_LENGTH = 16;
/** Values from tutorials and .env templates, compared lower-cased without separators. */
const PLACEHOLDERS = new Set([
  'changeme',
  'secret',
  'test',
  'testing',
  'password',
  'webhook',
  'webhooksecret',
  'zumrailswebhooksecret',
  'yourwebhooksecret',
  'yourwebhooksecrethere',
  'mysecret',
  'default',
  'example',
  'placeholder',
  'todo',
  'dummy',
  'xxx',
  'xxxxxxxxxxxxxxxx',
  '1234567890123456',
]);

/**
 * The validated webhook secret(s). The values live in a private field, so neither
 * `JSON.stringify` nor `util.inspect` of this object (or of a provider holding it) shows them.
 */
export class WebhookSecrets {
  readonly #values: readonly string[];

  constructor(values: readonly string[]) {
    this.#values = Object.freeze([...values]);
  }

  /** The secrets, newest first; empty when none is configured. */
  get values(): readonly string[] {
    return this.#values;
  }

  /** Whether at least one secret is configured. */
  get configured(): boolean {
    return this.#values.length > 0;
  }

  toJSON(): Record<string, unknown> {
    return { secrets: this.#values.length };
  }
}

/**
 * Validates a webhook secret option (`string` or array of strings) once, at module init.
 * `undefined` means "not configured" (empty {@link WebhookSecrets}).
 * @throws ZumRailsConfigError naming `field`; the message never contains a secret.
 */
export function resolveWebhookSecrets(value: unknown, field: string): WebhookSecrets {
  if (value === undefined) return new WebhookSecrets([]);
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.length > MAX_SECRETS) {
    throw new ZumRailsConfigError(
      field,
      `must be a string or an array of 1 to ${MAX_SECRETS} strings (newest first)`,
    );
  }
  list.forEach((secret, index) =>
    checkSecret(secret, list.length > 1 ? `${field}[${index}]` : field),
  );
  return new WebhookSecrets(list as string[]);
}

/**
 * Warns, once per secret at startup, about a secret shorter than 16 characters or a known
 * placeholder (`changeme`, `secret`, `test`, ...), naming the option and never the value: such a
 * secret still works (the vendor's portal may issue it), but anyone can forge webhooks with it.
 */
export function warnAboutWeakSecrets(
  secrets: WebhookSecrets,
  field: string,
  logger: RecordLogger,
): void {
  secrets.values.forEach((secret, index) => {
    const weakness = weaknessOf(secret);
    if (weakness === undefined) return;
    const name = secrets.values.length > 1 ? `${field}[${index}]` : field;
    logger.warn(
      logRecord(
        'webhook-secret-weak',
        `${name} is ${weakness}: anyone who guesses it can forge webhooks; use the Webhook Secret from the Zum Rails portal`,
        { option: name },
      ),
    );
  });
}

function weaknessOf(secret: string): string | undefined {
  if (PLACEHOLDERS.has(secret.toLowerCase().replace(/[^a-z0-9]/g, ''))) {
    return 'a known placeholder';
  }
  if (secret.length < MIN_STRONG_LENGTH) {
    return `shorter than ${MIN_STRONG_LENGTH} characters`;
  }
  return undefined;
}

function checkSecret(secret: unknown, field: string): void {
  const fix =
    'set it to the Webhook Secret from the Zum Rails portal (Settings > Webhook & API settings)';
  if (typeof secret !== 'string' || secret.trim() === '') {
    throw new ZumRailsConfigError(field, `is missing or empty: ${fix}`);
  }
  if (secret !== secret.trim()) {
    throw new ZumRailsConfigError(
      field,
      'has leading or trailing whitespace (a newline from an env file?): remove it, the signature covers every byte',
    );
  }
  if (secret.length > MAX_SECRET_LENGTH) {
    throw new ZumRailsConfigError(field, `is longer than ${MAX_SECRET_LENGTH} characters: ${fix}`);
  }
}
