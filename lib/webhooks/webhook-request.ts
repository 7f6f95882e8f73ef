import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Readable } from 'node:stream';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ZumRailsWebhookError } from '../errors/zumrails.errors.js';
import { ZUMRAILS_SIGNATURE_HEADER } from './verify-signature.js';
import type { WebhookDeduplicator } from './webhook-deduplicator.js';

/** Bodies no parser read are read here up to this size: a Zum Rails webhook is a few KB. */
export const MAX_UNPARSED_BODY_BYTES = 1_048_576;
/** A sender that trickles its body gets this long, then 408. */
export const UNPARSED_BODY_TIMEOUT_MS = 10_000;

/** `type/subtype` of any JSON media type: `application/json`, `text/json`, `x/y+json`. */
const JSON_MEDIA_TYPE = /^[\w.!#$&^-]+\/(?:[\w.!#$&^+-]+\+)?json$/;

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
  /** Node's request stream state: true once a body parser read the whole body. */
  readableEnded?: boolean;
  /** Node's request stream state: true while a reader consumes it. */
  readableFlowing?: boolean | null;
}

/** The raw bytes of the body: `req.rawBody`, or `req.body` when a raw parser left a Buffer. */
export function rawBodyOf(request: WebhookRequest): Buffer | undefined {
  if (Buffer.isBuffer(request.rawBody)) return request.rawBody;
  if (Buffer.isBuffer(request.body)) return request.body;
  return undefined;
}

/** Whether the request says it carries a body of a JSON media type (parameters allowed). */
export function hasJsonBody(request: WebhookRequest): boolean {
  const type = (headerOf(request, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const length = headerOf(request, 'content-length');
  const hasBody =
    headerOf(request, 'transfer-encoding') !== undefined ||
    (length !== undefined && length !== '0');
  return hasBody && JSON_MEDIA_TYPE.test(type);
}

/**
 * Whether a body parser already read this JSON body without keeping its bytes: only then is the
 * app missing `rawBody: true`. A body no parser read (`text/json`, `application/vnd.api+json`
 * on Nest's parser, which reads `application/json` only) is still in the stream.
 */
export function isBodyReadWithoutRawBytes(request: WebhookRequest): boolean {
  return request.readableEnded === true || request.readableFlowing === true;
}

/** The request as a stream nobody read yet, or undefined (Fastify, or already read). */
export function unreadStreamOf(request: WebhookRequest): Readable | undefined {
  const stream = request as WebhookRequest & Partial<Readable>;
  if (isBodyReadWithoutRawBytes(request) || typeof stream.on !== 'function') return undefined;
  return stream as Readable;
}

/** The declared `content-length`, when there is one. */
export function declaredLengthOf(request: WebhookRequest): number | undefined {
  const length = headerOf(request, 'content-length');
  return length === undefined ? undefined : Number(length);
}

/**
 * Reads a body no parser read, up to `limit` bytes and `timeoutMs`. Resolves the bytes, or
 * `'too-large'` / `'timeout'` (the rest of the body is left to drain).
 */
export function readBody(
  stream: Readable,
  limit = MAX_UNPARSED_BODY_BYTES,
  timeoutMs = UNPARSED_BODY_TIMEOUT_MS,
): Promise<Buffer | 'too-large' | 'timeout' | 'failed'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | 'too-large' | 'timeout' | 'failed'): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onError);
      // Whatever is left drains on its own; nobody keeps it.
      if (typeof result === 'string') stream.resume();
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) finish('too-large');
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish(Buffer.concat(chunks));
    const onError = (): void => finish('failed');
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    timer.unref();
    // A sender that hung up before we listened will never say so again.
    if (stream.destroyed) return finish('failed');
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onError); // closed before its end: cut short
  });
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

/** A verified request: its bytes, and the deduplicator its delivery goes through, if any. */
interface Verified {
  readonly body: Buffer;
  deduplicator: WebhookDeduplicator | undefined;
}

/** Requests the guard verified, so `@ZumRailsWebhookEvent()` only ever parses verified bytes. */
const verifiedRequests = new WeakMap<object, Verified>();

export function markVerified(
  request: object,
  body: Buffer,
  deduplicator: WebhookDeduplicator | undefined,
): void {
  verifiedRequests.set(request, { body, deduplicator });
}

export function verifiedBodyOf(request: object): Buffer | undefined {
  return verifiedRequests.get(request)?.body;
}

/**
 * The delivery to deduplicate, handed out once: when two modules registered the interceptor,
 * the second passes through instead of claiming the delivery a second time.
 */
export function takeDeduplication(
  request: object,
): { body: Buffer; deduplicator: WebhookDeduplicator } | undefined {
  const verified = verifiedRequests.get(request);
  const deduplicator = verified?.deduplicator;
  if (verified === undefined || deduplicator === undefined) return undefined;
  verified.deduplicator = undefined;
  return { body: verified.body, deduplicator };
}

/** What a duplicate of a handled delivery answers (with the route's 2xx status). */
export const DUPLICATE_ANSWER = Object.freeze({ received: true, duplicate: true });

/**
 * Wraps the handler of every request `ZumRailsWebhookGuard` verified with `deduplicate` set
 * (registered globally by the modules that take the option; any other request passes through
 * untouched). An interceptor, not the guard, because only around the handler call are its
 * outcome known: "succeeded" is the handler (its promise or observable) completing, whatever it
 * returns; any throw, an `HttpException` included, releases the delivery for a redelivery.
 *
 * A duplicate of a handled delivery answers 2xx `{ received: true, duplicate: true }`; one still
 * being handled 409 with `Retry-After`; a store that does not answer 503 with `Retry-After`.
 * Both make Zum Rails redeliver, and neither runs the handler.
 */
@Injectable()
export class WebhookDeduplicationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const job = takeDeduplication(http.getRequest<object>());
    if (job === undefined) return next.handle();
    const response = http.getResponse<HeaderSetter>();
    return from(
      (async () => {
        const verdict = await job.deduplicator.handle(job.body, () =>
          lastValueFrom(next.handle(), { defaultValue: undefined }),
        );
        switch (verdict.kind) {
          case 'handled':
            return verdict.value;
          case 'duplicate':
            return DUPLICATE_ANSWER;
          case 'in-flight':
            setRetryAfter(response, job.deduplicator.retryAfterSeconds);
            throw new ZumRailsWebhookError(
              'webhook-in-flight',
              'This Zum Rails webhook is being handled; retry later',
            );
          case 'store-unavailable':
            setRetryAfter(response, job.deduplicator.retryAfterSeconds);
            throw new ZumRailsWebhookError(
              'webhook-dedup-unavailable',
              'Zum Rails webhooks cannot be deduplicated right now; retry later',
            );
        }
      })(),
    );
  }
}

/** Express `res.setHeader` / Fastify `reply.header`. */
interface HeaderSetter {
  setHeader?(name: string, value: string): unknown;
  header?(name: string, value: string): unknown;
}

function setRetryAfter(response: HeaderSetter, seconds: number): void {
  if (typeof response.setHeader === 'function') response.setHeader('Retry-After', String(seconds));
  else if (typeof response.header === 'function') response.header('Retry-After', String(seconds));
}
