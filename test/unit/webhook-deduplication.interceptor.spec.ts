import { describe, expect, it } from '@jest/globals';
import { ConflictException, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of } from 'rxjs';
import { WebhookDeduplicationInterceptor } from '../../lib/webhooks/webhook-deduplication.interceptor.js';
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
    await expect(
      lastValueFrom(interceptor.intercept(context('http', request, reply), handler)),
    ).rejects.toBeInstanceOf(ConflictException);
    expect(headers).toEqual({ 'Retry-After': '7' });
    // Handed out once: a second interceptor (both modules registered one) passes through.
    expect(
      await lastValueFrom(interceptor.intercept(context('http', request, reply), handler)),
    ).toBe('handled');
  });
});
