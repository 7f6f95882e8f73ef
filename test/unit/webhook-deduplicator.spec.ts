import { afterEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { ZumRailsInMemoryTokenStore } from '../../lib/index.js';
import { WebhookMetrics } from '../../lib/metrics/zumrails-metrics.js';
import { WebhookDeduplicator } from '../../lib/webhooks/webhook-deduplicator.js';
import { LogCapture } from '../support/log-capture.js';
import { until } from '../support/zumrails-assertions.js';

type Method = 'acquireLease' | 'get' | 'compareAndSet' | 'compareAndDelete';

/** The in-memory store, with calls that can be made to fail, hang, or run something first. */
class ScriptedStore extends ZumRailsInMemoryTokenStore {
  readonly failing = new Set<Method>();
  readonly hanging = new Set<Method>();
  readonly before = new Map<Method, () => void>();

  private async step<T>(method: Method, call: () => Promise<T>): Promise<T> {
    const hook = this.before.get(method);
    if (hook) {
      this.before.delete(method);
      hook();
    }
    if (this.hanging.has(method)) return new Promise<T>(() => undefined);
    if (this.failing.has(method)) throw new Error(`${method} failed (test)`);
    return call();
  }

  override acquireLease(key: string, holder: string, ttlMs: number) {
    return this.step('acquireLease', () => super.acquireLease(key, holder, ttlMs));
  }
  override get(key: string) {
    return this.step('get', () => super.get(key));
  }
  override compareAndSet(key: string, expected: string | undefined, value: string, ttlMs: number) {
    return this.step('compareAndSet', () => super.compareAndSet(key, expected, value, ttlMs));
  }
  override compareAndDelete(key: string, expected: string) {
    return this.step('compareAndDelete', () => super.compareAndDelete(key, expected));
  }

  /** The one key deduplication wrote (tests use one delivery each). */
  async only(): Promise<{ key: string; value: string | undefined }> {
    const entries = (this as unknown as { entries: Map<string, unknown> }).entries;
    const [key] = [...entries.keys()];
    return { key: key!, value: (await super.get(key!))?.value };
  }
}

const BODY = Buffer.from('{"Type":"Transaction","Data":{"Id":"tx-unit"}}');
const KEY = `zumrails-webhook:unit:${createHash('sha256').update(BODY).digest('hex')}`;

describe('WebhookDeduplicator', () => {
  const deduplicators: WebhookDeduplicator[] = [];
  afterEach(() => {
    for (const deduplicator of deduplicators.splice(0)) deduplicator.onApplicationShutdown();
  });

  function subject(store: ScriptedStore, claimTtlMs = 300, maxRenewedRunMs?: number) {
    const logs = new LogCapture();
    const deduplicator = new WebhookDeduplicator(
      { store, ttlMs: 60_000, claimTtlMs, storeTimeoutMs: 50, namespace: 'unit' },
      { log: (r) => logs.log(r), warn: (r) => logs.warn(r), error: (r) => logs.error(r) },
      new WebhookMetrics(undefined),
      maxRenewedRunMs,
    );
    deduplicators.push(deduplicator);
    const events = () => logs.lines.map((line) => String(line.fields?.event));
    return { deduplicator, logs, events };
  }

  it('keys a delivery by the SHA-256 of its body, under the namespace', async () => {
    const store = new ScriptedStore();
    const { deduplicator } = subject(store);
    await deduplicator.handle(BODY, async () => 1);
    expect(await store.only()).toEqual({ key: KEY, value: 'done' });
  });

  it('claims again once when the claim it saw was released between its two calls', async () => {
    const store = new ScriptedStore();
    const { deduplicator } = subject(store);
    await store.acquireLease(KEY, 'run:other', 60_000);
    store.before.set('get', () => void store.compareAndDelete(KEY, 'run:other'));
    expect(await deduplicator.handle(BODY, async () => 2)).toEqual({ kind: 'handled', value: 2 });
  });

  it('answers in-flight when the claim it saw vanishes twice (a store that cannot settle)', async () => {
    const store = new ScriptedStore();
    const { deduplicator } = subject(store);
    store.acquireLease = async () => false;
    store.get = async () => undefined;
    expect(await deduplicator.handle(BODY, async () => 8)).toEqual({ kind: 'in-flight' });
  });

  it('answers in-flight when another replica takes a failed delivery first', async () => {
    const store = new ScriptedStore();
    const { deduplicator } = subject(store);
    await store.compareAndSet(KEY, undefined, 'failed', 60_000);
    // Between our read of "failed" and our takeover, another replica takes it.
    store.before.set('compareAndSet', () => {
      void store.compareAndSet(KEY, 'failed', 'run:other', 60_000);
    });
    expect(await deduplicator.handle(BODY, async () => 3)).toEqual({ kind: 'in-flight' });
  });

  it('reports a claim lost while the handler ran (renewal refused), and a done mark refused', async () => {
    const store = new ScriptedStore();
    const { deduplicator, events } = subject(store, 150);
    const verdict = await deduplicator.handle(BODY, async () => {
      const { key } = await store.only();
      await store.compareAndSet(key, (await store.only()).value, 'run:thief', 60_000);
      await until(() => events().includes('webhook-claim-lost'));
      return 4;
    });
    expect(verdict).toEqual({ kind: 'handled', value: 4 });
    expect(events().filter((event) => event === 'webhook-claim-lost')).toHaveLength(2);
  });

  it('retries a done mark the store missed, and says when it is lost for good', async () => {
    const store = new ScriptedStore();
    const { deduplicator, events } = subject(store, 120);
    const verdict = await deduplicator.handle(BODY, async () => {
      store.failing.add('compareAndSet');
      return 5;
    });
    expect(verdict).toEqual({ kind: 'handled', value: 5 }); // the handler ran: 2xx regardless
    await until(() => events().includes('webhook-done-mark-lost'), 3_000);
    expect(events()).toContain('webhook-store-unavailable');
  });

  it('lands a done mark on a retry once the store answers again', async () => {
    const store = new ScriptedStore();
    // The retry comes claimTtlMs / 4 after the timed-out attempt, and must find the claim still
    // there: at 120 ms a loaded machine let the claim expire first (the retry then found it lost).
    const { deduplicator, events } = subject(store, 2_000);
    await deduplicator.handle(BODY, async () => {
      store.hanging.add('compareAndSet');
      return 6;
    });
    store.hanging.clear();
    await until(async () => (await store.only()).value === 'done', 5_000);
    expect(events()).toContain('webhook-store-recovered');
    expect(events()).not.toContain('webhook-done-mark-lost');
  });

  it('still releases (and says so) when the store fails after a handler threw', async () => {
    const store = new ScriptedStore();
    const { deduplicator, events } = subject(store);
    await expect(
      deduplicator.handle(BODY, async () => {
        store.failing.add('compareAndSet');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(events()).toEqual(['webhook-store-unavailable', 'webhook-handler-failed']);
  });

  it('stops renewing a handler that runs too long, and at shutdown', async () => {
    const store = new ScriptedStore();
    const { deduplicator, events } = subject(store, 150, 200);
    let finish: (value: number) => void = () => undefined;
    const running = deduplicator.handle(
      BODY,
      () => new Promise<number>((resolve) => (finish = resolve)),
    );
    await until(() => events().includes('webhook-claim-abandoned'), 3_000);
    await until(async () => (await store.only()).value === undefined, 3_000); // expired
    deduplicator.onApplicationShutdown();
    finish(7);
    expect(await running).toEqual({ kind: 'handled', value: 7 });
    expect(events()).toContain('webhook-claim-lost');
  });
});
