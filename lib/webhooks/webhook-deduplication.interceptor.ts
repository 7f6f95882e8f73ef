import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ZumRailsWebhookError } from '../errors/zumrails.errors.js';
import { takeDeduplication } from './webhook-request.js';

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
