import { ZUMRAILS_SIGNATURE_HEADER } from './verify-signature.js';

/** What the guard reads from an Express or Fastify request. */
export interface WebhookRequest {
  /** Set by Nest when the app is created with `{ rawBody: true }`. */
  rawBody?: unknown;
  /** Parsed JSON, or a Buffer when the route uses `express.raw()`. */
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
  /** Express: the URL before routers stripped their mount path. */
  originalUrl?: string;
}

/** The raw bytes of the body: `req.rawBody`, or `req.body` when a raw parser left a Buffer. */
export function rawBodyOf(request: WebhookRequest): Buffer | undefined {
  if (Buffer.isBuffer(request.rawBody)) return request.rawBody;
  if (Buffer.isBuffer(request.body)) return request.body;
  return undefined;
}

/**
 * Whether a JSON body arrived that we have no raw bytes for: the app was created without
 * `rawBody: true` (or without any body parser). A request without a body or with another
 * content type is just not a webhook, not a configuration problem.
 */
export function isJsonBodyWithoutRawBytes(request: WebhookRequest): boolean {
  const type = headerOf(request, 'content-type') ?? '';
  const length = headerOf(request, 'content-length');
  const hasBody =
    headerOf(request, 'transfer-encoding') !== undefined ||
    (length !== undefined && length !== '0');
  return /\bjson\b/i.test(type) && hasBody;
}

/** The signature header, when exactly one was sent. */
export function signatureOf(request: WebhookRequest): string | undefined {
  return headerOf(request, ZUMRAILS_SIGNATURE_HEADER);
}

/** Method and path of the request for log lines; never the query string. */
export function routeOf(request: WebhookRequest): string {
  const path = (request.originalUrl ?? request.url ?? '').split('?')[0] ?? '';
  return `${request.method ?? 'POST'} ${path.slice(0, 200)}`;
}

function headerOf(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** Bodies the guard verified, so `@ZumRailsWebhookEvent()` only ever parses verified bytes. */
const verifiedBodies = new WeakMap<object, Buffer>();

export function markVerified(request: object, body: Buffer): void {
  verifiedBodies.set(request, body);
}

export function verifiedBodyOf(request: object): Buffer | undefined {
  return verifiedBodies.get(request);
}
