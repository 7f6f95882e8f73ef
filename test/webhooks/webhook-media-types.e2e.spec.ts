import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { ZumRailsAuthModule, ZumRailsWebhookModule } from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { fakeOptions } from '../support/auth-app.js';
import { until } from '../support/zumrails-assertions.js';
import { startWebhookApp, type WebhookApp } from './support/webhook-app.js';

const SECRET = 'whsec-media-4c1d9e07b2aa';
const EVENT = { Type: 'Transaction', Data: { Id: 'tx-media', TransactionStatus: 'Completed' } };

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/json',
  'text/json; charset=UTF-8',
  'application/vnd.api+json',
  'application/problem+json; charset=utf-8',
];

describe('ZumRailsWebhookGuard with any JSON media type (rawBody: true, Express)', () => {
  let fake: FakeZumRails;
  let hook: WebhookApp;

  beforeAll(async () => {
    fake = await FakeZumRails.start();
    hook = await startWebhookApp({
      imports: [ZumRailsWebhookModule.forRoot({ secret: SECRET, isGlobal: true })],
    });
  });

  afterAll(async () => {
    await hook?.app.close();
    await fake?.stop();
  });

  beforeEach(() => {
    hook.received.events.length = 0;
    hook.logs.lines.length = 0;
  });

  it.each(JSON_TYPES)('handles a signed webhook sent as %s', async (type) => {
    const delivery = await fake.sendWebhook(hook.url, EVENT, {
      secret: SECRET,
      headers: { 'content-type': type },
    });
    expect(delivery.status).toBe(200);
    expect(hook.received.events).toEqual([EVENT]);
  });

  it.each(JSON_TYPES)(
    'answers 401, never 500, to an unsigned or forged %s webhook, without the rawBody hint',
    async (type) => {
      const headers = { 'content-type': type };
      const unsigned = await fake.sendWebhook(hook.url, EVENT, {
        secret: SECRET,
        signature: false,
        headers,
      });
      const forged = await fake.sendWebhook(hook.url, EVENT, { secret: 'whsec-forger', headers });
      expect([unsigned.status, forged.status]).toEqual([401, 401]);
      expect(hook.received.events).toEqual([]);
      expect(hook.logs.lines.filter((line) => line.level === 'error')).toEqual([]);
      expect(hook.logs.text()).not.toContain('rawBody');
    },
  );

  it('answers 413 to a signed text/json body over 1 MB, read by the guard', async () => {
    const big = JSON.stringify({ ...EVENT, Data: { Id: 'x', Memo: 'm'.repeat(1_100_000) } });
    const delivery = await fake.sendWebhook(hook.url, big, {
      secret: SECRET,
      headers: { 'content-type': 'text/json' },
    });
    expect(delivery.status).toBe(413);
    expect(hook.received.events).toEqual([]);
  });

  it('rejects (no body) a signed text/json whose sender hangs up mid-body; the handler never runs', async () => {
    const request = httpRequest(new URL(hook.url), {
      method: 'POST',
      headers: { 'content-type': 'text/json', 'zumrails-signature': 'A'.repeat(43) + '=' },
    });
    request.on('error', () => undefined); // we hang up ourselves
    await new Promise<void>((resolve) => request.write('{"Type":"Transaction",', () => resolve()));
    request.destroy();
    await until(
      () => hook.logs.text().includes('no JSON body'),
      5_000,
      'the rejection of the cut body',
    );
    expect(hook.received.events).toEqual([]);
  });

  it('answers 413 to a signed chunked text/json body that grows over 1 MB while read', async () => {
    const url = new URL(hook.url);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(url, {
        method: 'POST',
        headers: {
          'content-type': 'text/json',
          'zumrails-signature': 'A'.repeat(43) + '=',
          connection: 'close',
        },
      });
      request.once('error', reject);
      request.once('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 20) {
          sent += 1;
          if (!request.write(chunk)) return void request.once('drain', pump);
        }
        request.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(hook.received.events).toEqual([]);
  });
});

describe('the rawBody hint', () => {
  let fake: FakeZumRails | undefined;
  let hook: WebhookApp | undefined;

  afterEach(async () => {
    await hook?.app.close();
    await fake?.stop();
    hook = undefined;
    fake = undefined;
  });

  it('is not used up by unauthenticated requests a parser skipped; it is logged when rawBody is really missing', async () => {
    fake = await FakeZumRails.start();
    hook = await startWebhookApp({
      rawBody: false,
      imports: [ZumRailsWebhookModule.forRoot({ secret: SECRET, isGlobal: true })],
    });
    // An attacker's unsigned text/json: a 401, and the one-time line is still unused.
    const probe = await fake.sendWebhook(hook.url, EVENT, {
      secret: SECRET,
      signature: false,
      headers: { 'content-type': 'application/vnd.api+json' },
    });
    expect(probe.status).toBe(401);
    expect(hook.logs.text()).not.toContain('rawBody');
    // A signed text/json is read by the guard, even without rawBody.
    const textJson = await fake.sendWebhook(hook.url, EVENT, {
      secret: SECRET,
      headers: { 'content-type': 'text/json' },
    });
    expect(textJson.status).toBe(200);
    // application/json was parsed without its bytes: that is the real misconfiguration.
    expect((await fake.sendWebhook(hook.url, EVENT, { secret: SECRET })).status).toBe(500);
    const errors = hook.logs.lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('{ rawBody: true }');
  });
});

describe('weak webhook secrets', () => {
  let fake: FakeZumRails | undefined;
  let hook: WebhookApp | undefined;

  afterEach(async () => {
    await hook?.app.close();
    await fake?.stop();
    hook = undefined;
    fake = undefined;
  });

  function weakWarnings(app: WebhookApp): string[] {
    return app.logs.lines
      .filter((line) => line.level === 'warn' && line.message.includes('forge webhooks'))
      .map((line) => line.message);
  }

  it.each([
    ['a short secret', 'Qz7#kp', 'shorter than 16 characters'],
    ['a placeholder', 'changeme', 'a known placeholder'],
    ['a long placeholder', 'Your-Webhook-Secret', 'a known placeholder'],
  ])(
    'warns about %s in ZumRailsWebhookModule, naming the option, never the secret',
    async (_, secret, reason) => {
      fake = await FakeZumRails.start();
      hook = await startWebhookApp({
        imports: [ZumRailsWebhookModule.forRoot({ secret, isGlobal: true })],
      });
      expect(weakWarnings(hook)).toEqual([
        expect.stringContaining(`ZumRailsWebhookModule.secret is ${reason}`),
      ]);
      expect(hook.logs.text()).not.toContain(secret);
      // Still accepted: the portal may have issued it.
      expect((await fake.sendWebhook(hook.url, EVENT, { secret })).status).toBe(200);
    },
  );

  it('warns about each weak secret of webhookSecret during a rotation, by index', async () => {
    fake = await FakeZumRails.start();
    hook = await startWebhookApp({
      imports: [
        ZumRailsAuthModule.forRoot({
          ...fakeOptions(fake, { webhookSecret: [SECRET, 'test'] }),
          isGlobal: true,
        }),
      ],
    });
    expect(weakWarnings(hook)).toEqual([
      expect.stringContaining('webhookSecret[1] is a known placeholder'),
    ]);
  });

  it('says nothing about a strong secret', async () => {
    fake = await FakeZumRails.start();
    hook = await startWebhookApp({
      imports: [ZumRailsWebhookModule.forRoot({ secret: SECRET, isGlobal: true })],
    });
    expect(weakWarnings(hook)).toEqual([]);
  });
});
