import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import { Redaction } from '../util/redact.js';

/**
 * How an invalid option value is shown in a `ZumRailsConfigError` (and so in the startup log).
 * A value that is the password, or contains a password long enough to tell (two environment
 * variables swapped), is never echoed; strings show at most their first two characters and
 * their length, none when a short password occurs in them; numbers and booleans show as they
 * are; anything else shows its type.
 */
export function describeValue(value: unknown, password: unknown): string {
  if (holdsPassword(value, password)) {
    return 'the value of the password option (are two settings swapped?)';
  }
  if (typeof value === 'string') {
    const hidden = typeof password === 'string' && password !== '' && value.includes(password);
    return hidden ? `a string of ${value.length} characters` : maskedPreview(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
}

/**
 * Whether `value`, as a string, is the password, or contains it when it is long enough
 * ({@link NET_MIN_LENGTH}) for that to mean swapped settings: a URL merely containing a
 * one-letter password is not "the value of the password".
 */
export function holdsPassword(value: unknown, password: unknown): boolean {
  if (typeof password !== 'string' || password === '') return false;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') {
    return false;
  }
  const text = String(value);
  return (
    text.trim() === password.trim() ||
    (password.length >= NET_MIN_LENGTH && text.includes(password))
  );
}

/** `'sa…' (7 characters)`: enough to recognise a typo, too little to leak a secret. */
function maskedPreview(text: string): string {
  if (text === '') return 'an empty string';
  const head = [...text].slice(0, text.length > 4 ? 2 : 0).join('');
  return `'${head}…' (${text.length} characters)`;
}

/** Shorter passwords are caught by exact comparison only (the net would garble every text). */
const NET_MIN_LENGTH = 6;

/**
 * The last line of defence: a config error whose message or stack still holds the password
 * (in any form) gets it redacted there, whatever the check that produced it.
 */
export function withoutPassword(error: unknown, password: unknown): unknown {
  if (!(error instanceof ZumRailsConfigError) || typeof password !== 'string') return error;
  if (password.length < NET_MIN_LENGTH) return error;
  const redaction = new Redaction([password]);
  if (redaction.matches(error.message) || redaction.matches(error.stack ?? '')) {
    error.message = redaction.text(error.message);
    if (error.stack) error.stack = redaction.text(error.stack);
  }
  return error;
}
