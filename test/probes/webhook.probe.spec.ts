import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { ZumRailsAuthModule } from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { fakeOptions } from '../support/auth-app.js';
import { startWebhookApp, type WebhookApp } from '../webhooks/support/webhook-app.js';

const SECRET = 'whsec-probe-7c1d9e2f4a';
const EVENT = { Type: 'Transaction', Event: 'StatusChange', Data: { Id: 'tx-probe' } };
const BODY = JSON.stringify(EVENT);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const digest = (body: string | Buffer, secret = SECRET) =>
  createHmac('sha256', secret).update(body).digest();
const sign = (body: string | Buffer, secret = SECRET) => digest(body, secret).toString('base64');

interface Answer {
  status: number;
  text: string;
}

/** A raw POST: any header spelling and repetition, any bytes, nothing tidied up by a client. */
function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string | string[]>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A right digest, spelled another way: the canonical Base64 spelling is the only one accepted. */
function respelled(body: string): [string, string][] {
  const raw = digest(body);
  const canonical = raw.toString('base64');
  // The 43rd character's 2 low bits are padding: setting one keeps the 32 bytes the same.
  const last = ALPHABET[ALPHABET.indexOf(canonical[42]!) | 1]!;
  const lastBitsSet = `${canonical.slice(0, 42)}${last}=`;
  return [
    ['Base64url without padding', raw.toString('base64url')],
    ['hex', raw.toString('hex')],
    ['a sha256= prefix', `sha256=${canonical}`],
    ['no padding', canonical.slice(0, -1)],
    ['padding bits set (a second spelling of the same bytes)', lastBitsSet],
    ['the digest twice', canonical + canonical],
    ['lower-cased', canonical.toLowerCase()],
  ];
}

/**
 * Probe: forged and odd webhooks against the guard over real HTTP. The handler must run only
 * for the exact bytes signed with the secret, in its one spelling; nothing answered or logged
 * may hold the secret or a signature.
 */
describe('probe: forged and odd webhooks', () => {
  let fake: FakeZumRails;
  let hook: WebhookApp;
  const signatures: string[] = [];

  beforeAll(async () => {
    fake = await FakeZumRails.start();
    hook = await startWebhookApp({
      imports: [
        ZumRailsAuthModule.forRoot({
          ...fakeOptions(fake, { webhookSecret: SECRET }),
          isGlobal: true,
        }),
      ],
    });
  });
  afterAll(async () => {
    const logs = hook?.logs.text() ?? '';
    for (const secret of [SECRET, ...signatures]) expect(logs).not.toContain(secret);
    await hook?.app.close();
    await fake?.stop();
  });
  beforeEach(() => {
    hook.received.events.length = 0;
  });

  async function expectRefused(body: string | Buffer, headers: Record<string, string | string[]>) {
    for (const value of Object.values(headers).flat()) if (value) signatures.push(value);
    const answer = await post(hook.url, body, headers);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.text).not.toContain(SECRET);
    expect(hook.received.events).toEqual([]);
  }

  it('the exact bytes, signed, reach the handler (the probe can tell yes from no)', async () => {
    const answer = await post(hook.url, BODY, { 'zumrails-signature': sign(BODY) });
    expect(answer.status).toBe(200);
    expect(hook.received.events).toEqual([EVENT]);
  });

  it.each(respelled(BODY))('refuses the right digest spelled as %s', async (_name, signature) => {
    await expectRefused(BODY, { 'zumrails-signature': signature });
  });

  it.each<[string, string | Buffer, string]>([
    ['a trailing newline', `${BODY}\n`, sign(BODY)],
    [
      're-serialised JSON (signature over other whitespace)',
      JSON.stringify(EVENT, null, 2),
      sign(BODY),
    ],
    [
      'a UTF-8 BOM before the JSON',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BODY)]),
      sign(BODY),
    ],
    ['the signature of an empty body', BODY, sign('')],
    ['a secret with a trailing space', BODY, sign(BODY, `${SECRET} `)],
    ['the secret itself as the signature', BODY, SECRET],
    ['an empty body signed as empty', '', sign('')],
  ])('refuses %s', async (_name, body, signature) => {
    await expectRefused(body, { 'zumrails-signature': signature });
  });

  it('refuses a signature header sent twice (one right, one wrong)', async () => {
    await expectRefused(BODY, { 'zumrails-signature': [sign(BODY), sign(BODY, 'guess')] });
  });

  it('refuses an empty signature header', async () => {
    await expectRefused(BODY, { 'zumrails-signature': '' });
  });

  it('refuses a huge unsigned body without a 500', async () => {
    const huge = JSON.stringify({ ...EVENT, Data: { Id: 'x'.repeat(2 * 1024 * 1024) } });
    await expectRefused(huge, {});
  });

  it('a signed __proto__ key pollutes no prototype', async () => {
    const body =
      '{"Type":"Transaction","Event":"X","Data":{"Id":"p"},"__proto__":{"polluted":"yes"}}';
    const answer = await post(hook.url, body, { 'zumrails-signature': sign(body) });
    expect(answer.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    for (const event of hook.received.events) {
      expect(Object.getPrototypeOf(event)).not.toHaveProperty('polluted');
    }
  });
});
