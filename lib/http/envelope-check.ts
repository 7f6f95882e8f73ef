import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { readEnvelope } from './api-envelope.js';
import { apiErrorFromResponse } from './zumrails-api.error.js';

const BEARER = 'Bearer ';

/**
 * The response interceptor's success side: a 2xx answer is a success only when its body is no
 * Zum Rails envelope (an empty body, a buffer, a stream, HTML) or one that says
 * `isError: false`; otherwise it rejects with a `ZumRailsApiError`. The common case costs two
 * property reads. Answers of requests with `zumRailsEnvelope: false`, and non-2xx answers a
 * custom `validateStatus` let through, pass as they are.
 */
export function checkEnvelope(response: AxiosResponse): AxiosResponse {
  const data = response.data as { isError?: unknown } | null;
  if (data !== null && typeof data === 'object' && data.isError === false) return response;
  const config = response.config;
  if (config.zumRailsEnvelope === false || response.status < 200 || response.status > 299) {
    return response;
  }
  if (readEnvelope(data) === undefined) return response;
  throw apiErrorFromResponse(response, carriedToken(config));
}

/** The token in this request's `Authorization: Bearer` header, if any. */
export function carriedToken(config: InternalAxiosRequestConfig): string | undefined {
  const value = config.headers?.get('Authorization');
  return typeof value === 'string' && value.startsWith(BEARER)
    ? value.slice(BEARER.length)
    : undefined;
}
