import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { readAnswer } from '../util/zumrails-envelope.js';
import { apiErrorFromResponse } from './zumrails-http.error.js';

const BEARER = 'Bearer ';

/**
 * The response interceptor's success side: a 2xx answer is a success when its verdict is
 * (`readAnswer`: no Zum Rails envelope at all, e.g. an empty body, a buffer, a stream, HTML; or
 * one that says `isError: false` without a failing `statusCode`); otherwise it rejects with a
 * `ZumRailsApiError`. Answers of requests with `zumRailsEnvelope: false`, and non-2xx answers
 * a custom `validateStatus` let through, pass as they are.
 */
export function checkEnvelope(response: AxiosResponse): AxiosResponse {
  const config = response.config;
  if (config.zumRailsEnvelope === false || response.status < 200 || response.status > 299) {
    return response;
  }
  const verdict = readAnswer(response.status, response.data, undefined, 0);
  if (verdict.kind === 'success') return response;
  throw apiErrorFromResponse(response, verdict, carriedToken(config));
}

/** The token in this request's `Authorization: Bearer` header, if any. */
export function carriedToken(config: InternalAxiosRequestConfig): string | undefined {
  const value = config.headers?.get('Authorization');
  return typeof value === 'string' && value.startsWith(BEARER)
    ? value.slice(BEARER.length)
    : undefined;
}
