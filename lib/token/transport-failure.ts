import { isAxiosError } from 'axios';
import {
  ZumRailsBadResponseError,
  ZumRailsShutDownError,
  ZumRailsUnavailableError,
  type ZumRailsAuthError,
} from '../errors/zumrails-auth.errors.js';
import { describeTlsFailure } from '../transport/tls-failure.js';
import { isDeadlineAbort } from '../util/abort.js';

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);
const TOO_LARGE = /^maxContentLength size of (\d+) exceeded$/;

/**
 * Maps a transport failure (no usable HTTP answer) to a secret-free error. The AxiosError
 * itself is dropped here: its config carries the request body (the password) and headers
 * (the bearer). `signal` is the call's deadline signal: its reason tells a deadline from a shutdown.
 */
export function transportFailure(
  error: unknown,
  timeoutMs: number,
  signal?: AbortSignal,
): ZumRailsAuthError {
  const code = isAxiosError(error) ? error.code : (error as { code?: unknown } | null)?.code;
  if (signal?.aborted) {
    if (isDeadlineAbort(signal)) return timedOut(timeoutMs);
    return new ZumRailsShutDownError();
  }
  const tooLarge = isAxiosError(error) ? TOO_LARGE.exec(error.message) : null;
  if (tooLarge) {
    return new ZumRailsBadResponseError(`response body larger than ${tooLarge[1]} bytes`);
  }
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return timedOut(timeoutMs);
  if (typeof code === 'string' && /^[A-Z][A-Z\d_]*$/.test(code)) {
    return new ZumRailsUnavailableError(describeTlsFailure(code) ?? `network error ${code}`);
  }
  return new ZumRailsUnavailableError('network error');
}

function timedOut(timeoutMs: number): ZumRailsUnavailableError {
  return new ZumRailsUnavailableError(`no answer within ${timeoutMs} ms (timeout)`);
}
