import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { ZumRailsAuthModule } from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { fakeOptions } from '../support/auth-app.js';
import { startWebhookApp, type WebhookApp } from './support/webhook-app.js';

const NEW_SECRET = 'whsec-new-5f1c0e9a7b';
const OLD_SECRET = 'whsec-old-83d2b4c6aa';
const EVENT = {
  Type: 'Transaction',
  Event: 'StatusChange',
  Data: { Id: 'tx-42', TransactionStatus: 'Completed', Memo: 'Zoë’s invoice 🍁' },
};

function sign(body: string, secret = NEW_SECRET): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

describe('ZumRailsWebhookGuard over real HTTP (rawBody: true)', () => {
  let fake: FakeZumRails;
  let hook: WebhookApp;
  const sentSignatures: string[] = [];

  beforeAll(async () => {
    fake = await FakeZumRails.start();
    hook = await startWebhookApp({
      imports: [
        ZumRailsAuthModule.forRoot({
          ...fakeOptions(fake, { webhookSecret: [NEW_SECRET, OLD_SECRET] }),
          isGlobal: true,
        }),
      ],
      jsonLimit: '2mb',
    });
  });

  afterAll(async () => {
    // Nothing secret in any log line of the whole file: secrets, signatures, the password.
    const text = hook?.logs.text() ?? '';
    for (const secret of [NEW_SECRET, OLD_SECRET, fake.password, ...sentSignatures]) {
      expect(text).not.toContain(secret);
    }
    await hook?.app.close();
    await fake?.stop();
  });

  beforeEach(() => {
    hook.received.events.length = 0;
    hook.logs.lines.length = 0;
  });

  async function send(
    event: unknown,
    options: { secret?: string; signature?: string | false } = {},
  ) {
    const body = typeof event === 'string' ? event : JSON.stringify(event);
    const signature = options.signature ?? sign(body, options.secret ?? NEW_SECRET);
    if (signature) sentSignatures.push(signature);
    return fake.sendWebhook(hook.url, body, { secret: options.secret ?? NEW_SECRET, signature });
  }

  it('hands a correctly signed webhook to the handler as a typed event', async () => {
    const delivery = await send(EVENT);
    expect(delivery.status).toBe(200);
    expect(hook.received.events).toEqual([EVENT]);
    const [event] = hook.received.events;
    expect(event?.Data.Id).toBe('tx-42');
    expect(event?.Data.TransactionStatus).toBe('Completed');
    expect(hook.logs.lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('signs with the fake when only the secret is given', async () => {
    const delivery = await fake.sendWebhook(hook.url, EVENT, { secret: NEW_SECRET });
    expect(delivery.status).toBe(200);
    expect(hook.received.events).toEqual([EVENT]);
  });

  it('accepts the old and the new secret while rotating', async () => {
    expect((await send(EVENT, { secret: OLD_SECRET })).status).toBe(200);
    expect((await send(EVENT, { secret: NEW_SECRET })).status).toBe(200);
    expect(hook.received.events).toHaveLength(2);
  });

  const body = JSON.stringify(EVENT);
  const rejected: [string, () => Promise<Awaited<ReturnType<typeof send>>>, string][] = [
    [
      'a tampered body',
      () => send(body.replace('Completed', 'Failed'), { signature: sign(body) }),
      'does not match',
    ],
    ['a wrong secret', () => send(EVENT, { secret: 'whsec-attacker-guess' }), 'does not match'],
    ['a missing header', () => send(EVENT, { signature: false }), 'no zumrails-signature header'],
    ['a garbage header', () => send(EVENT, { signature: 'not-a-signature' }), 'does not match'],
    [
      'a header of the wrong length',
      () => send(EVENT, { signature: sign(body).slice(0, 40) + '==' }),
      'does not match',
    ],
    [
      'a 33-byte Base64 header',
      () => send(EVENT, { signature: Buffer.alloc(33, 7).toString('base64') }),
      'does not match',
    ],
  ];

  it.each(rejected)('answers 401 to %s; the handler never runs', async (_, deliver, reason) => {
    const delivery = await deliver();
    expect(delivery.status).toBe(401);
    expect(delivery.body).toEqual({ statusCode: 401, message: 'Unauthorized' });
    expect(hook.received.events).toEqual([]);
    const warnings = hook.logs.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain(
      'Rejected a Zum Rails webhook on POST /webhooks/zumrails',
    );
    expect(warnings[0]?.message).toContain(reason);
  });

  it('answers 401 to a POST without a body', async () => {
    const delivery = await fake.sendWebhook(hook.url, '', {
      secret: NEW_SECRET,
      signature: false,
      headers: { 'content-type': 'text/plain' },
    });
    expect(delivery.status).toBe(401);
    expect(hook.received.events).toEqual([]);
  });

  it('verifies a 1 MB body byte for byte', async () => {
    const memo = 'é'.repeat(512 * 1024); // 2 bytes each in UTF-8: 1 MiB of Data
    const big = { ...EVENT, Data: { ...EVENT.Data, Memo: memo } };
    const raw = JSON.stringify(big);
    expect(Buffer.byteLength(raw)).toBeGreaterThan(1_048_576);
    expect((await send(raw)).status).toBe(200);
    expect(hook.received.events[0]?.Data.Memo).toBe(memo);
    // One changed byte at the far end is still caught.
    const tampered = raw.replace('"Completed"', '"Completes"');
    expect((await send(tampered, { signature: sign(raw) })).status).toBe(401);
    expect(hook.received.events).toHaveLength(1);
  });

  it('answers 400 to a signed body that is not a webhook; the handler never runs', async () => {
    for (const raw of [
      '[1,2]',
      '{"Data":{}}',
      '{"Type":"User","Data":"x"}',
      '{"Type":"User","Event":3,"Data":{}}',
    ]) {
      const delivery = await send(raw);
      expect(delivery.status).toBe(400);
    }
    expect(hook.received.events).toEqual([]);
  });

  it('passes unknown types and events through, and drops a null Event', async () => {
    const future = { Type: 'Payout Batch', Event: 'Reconciled', Data: { Id: 'pb-1' } };
    expect((await send(future)).status).toBe(200);
    expect((await send({ Type: 'User', Event: null, Data: { Id: 'u-1' } })).status).toBe(200);
    expect(hook.received.events).toEqual([future, { Type: 'User', Data: { Id: 'u-1' } }]);
  });
});
