import { describe, expect, it } from '@jest/globals';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { ZumRailsError, ZumRailsWebhookError } from '../../lib/index.js';
import { lastValueFrom, of } from 'rxjs';
import { WebhookDeduplicationInterceptor } from '../../lib/webhooks/webhook-request.js';
import type { WebhookDeduplicator } from '../../lib/webhooks/webhook-deduplicator.js';
import { markVerified } from '../../lib/webhooks/webhook-request.js';

function context(type: string, request: object, response: object): ExecutionContext {
  return {
    getType: () => type,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
}

const handler: CallHandler = { handle: () => of('handled') };

describe('WebhookDeduplicationInterceptor', () => {
  const interceptor = new WebhookDeduplicationInterceptor();

  it('passes through what is not HTTP, and requests the guard did not verify', async () => {
    expect(await lastValueFrom(interceptor.intercept(context('rpc', {}, {}), handler))).toBe(
      'handled',
    );
    expect(await lastValueFrom(interceptor.intercept(context('http', {}, {}), handler))).toBe(
      'handled',
    );
  });

  it('sets Retry-After through reply.header() where there is no setHeader (Fastify)', async () => {
    const request = {};
    const deduplicator = {
      retryAfterSeconds: 7,
      handle: async () => ({ kind: 'in-flight' }),
    } as unknown as WebhookDeduplicator;
    markVerified(request, Buffer.from('{}'), deduplicator);
    const headers: Record<string, string> = {};
    const reply = { header: (name: string, value: string) => (headers[name] = value) };
    const refusal = await lastValueFrom(
      interceptor.intercept(context('http', request, reply), handler),
    ).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ZumRailsWebhookError);
    expect(refusal).toBeInstanceOf(ZumRailsError);
    expect(refusal).toMatchObject({ code: 'webhook-in-flight' });
    expect((refusal as ZumRailsWebhookError).getStatus()).toBe(409);
    expect(headers).toEqual({ 'Retry-After': '7' });
    // Handed out once: a second interceptor (both modules registered one) passes through.
    expect(
      await lastValueFrom(interceptor.intercept(context('http', request, reply), handler)),
    ).toBe('handled');
  });
});
