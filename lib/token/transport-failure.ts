import { isAxiosError } from 'axios';
import { ZumRailsUnavailableError } from '../errors.js';
import { describeTlsFailure } from '../transport/tls-failure.js';

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/**
 * Maps a transport failure (no HTTP answer) to a secret-free error. The AxiosError itself is
 * dropped here: its config carries the request body (the password) and headers (the bearer).
 */
export function transportFailure(error: unknown, timeoutMs: number): ZumRailsUnavailableError {
  const code = isAxiosError(error) ? error.code : (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    return new ZumRailsUnavailableError(`no answer within ${timeoutMs} ms (timeout)`);
  }
  if (typeof code === 'string' && /^[A-Z][A-Z\d_]*$/.test(code)) {
    return new ZumRailsUnavailableError(describeTlsFailure(code) ?? `network error ${code}`);
  }
  return new ZumRailsUnavailableError('network error');
}
