import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import { DEFAULT_OPTIONS } from './defaults.js';
import type { ZumRailsApiRetryOptions } from './zumrails-auth-options.interface.js';

const MAX_RETRIES = 5;
const MINUTE = 60_000;

/**
 * Validates `apiRetry` and applies its defaults; `false` gives `maxRetries: 0`.
 * @throws ZumRailsConfigError naming the field at fault.
 */
export function resolveApiRetry(
  value: ZumRailsApiRetryOptions | false | undefined,
): Required<ZumRailsApiRetryOptions> {
  const defaults = DEFAULT_OPTIONS.apiRetry;
  if (value === false) return { ...defaults, maxRetries: 0 };
  if (value === undefined) return { ...defaults };
  if (value === null || typeof value !== 'object') {
    throw new ZumRailsConfigError('apiRetry', 'must be an object or false');
  }
  const maxRetries = value.maxRetries ?? defaults.maxRetries;
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > MAX_RETRIES) {
    throw new ZumRailsConfigError(
      'apiRetry.maxRetries',
      `must be an integer from 0 to ${MAX_RETRIES}, got ${String(maxRetries)}`,
    );
  }
  const resolved = {
    maxRetries,
    initialDelayMs: ms('initialDelayMs', value.initialDelayMs, defaults.initialDelayMs),
    maxDelayMs: ms('maxDelayMs', value.maxDelayMs, defaults.maxDelayMs),
    maxRetryAfterMs: ms('maxRetryAfterMs', value.maxRetryAfterMs, defaults.maxRetryAfterMs),
  };
  if (resolved.maxDelayMs < resolved.initialDelayMs) {
    throw new ZumRailsConfigError(
      'apiRetry.maxDelayMs',
      'must be at least apiRetry.initialDelayMs',
    );
  }
  return resolved;
}

function ms(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MINUTE) {
    throw new ZumRailsConfigError(
      `apiRetry.${field}`,
      `must be a number of milliseconds from 0 to ${MINUTE}, got ${typeof value === 'number' ? value : typeof value}`,
    );
  }
  return value;
}
