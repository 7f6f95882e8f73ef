import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** `Content-Type` of every JSON answer, as the real API sends it. */
export const JSON_TYPE = 'application/json; charset=utf-8';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const STRING_EXCEPTIONS: Record<number, string> = {
  401: 'Unauthorized: your API key is wrong or your token has expired',
  429: 'You reached your quota',
};

/** Short human title for `status`. */
export function statusTitle(status: number): string {
  return TITLES[status] ?? `HTTP ${status}`;
}

/** A W3C traceparent-like id, the way ASP.NET fills RFC 7807 `traceId`. */
function traceId(): string {
  const bytes = randomBytes(24).toString('hex');
  return `00-${bytes.slice(0, 32)}-${bytes.slice(32)}-00`;
}

/**
 * The Zum Rails error envelope for `status`: a string `exceptionMessage` for 401 and 429, an
 * RFC 7807-like object for every other status.
 */
export function errorEnvelope(status: number, message?: string): Record<string, unknown> {
  const title = statusTitle(status);
  const exceptionMessage = STRING_EXCEPTIONS[status] ?? { title, status, traceId: traceId() };
  return {
    statusCode: status,
    message: message ?? title,
    isError: true,
    result: null,
    responseException: { exceptionMessage },
  };
}

/** The success envelope with the message the real API uses (`'GET Request successful.'`). */
export function successEnvelope(method: string, result: unknown): Record<string, unknown> {
  return { statusCode: 200, message: `${method} Request successful.`, isError: false, result };
}

/** Writes a complete answer unless the socket is already gone. */
export function sendRaw(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const merged: Record<string, string | number> = {};
  if (body.length > 0) merged['content-type'] = 'text/plain; charset=utf-8';
  for (const [name, value] of Object.entries(headers)) merged[name.toLowerCase()] = value;
  merged['content-length'] = Buffer.byteLength(body);
  res.writeHead(status, merged);
  res.end(body);
}

/** Writes `payload` as JSON. */
export function sendJson(
  res: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  sendRaw(res, status, JSON.stringify(payload), { 'content-type': JSON_TYPE, ...headers });
}

/** Writes the error envelope for `status`. */
export function sendError(
  res: ServerResponse,
  status: number,
  message?: string,
  headers?: Record<string, string>,
): void {
  sendJson(res, status, errorEnvelope(status, message), headers);
}
