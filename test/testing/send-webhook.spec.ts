import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeZumRails } from '../../lib/testing/index.js';
import { rejectionOf } from '../support/zumrails-assertions.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

describe('FakeZumRails.sendWebhook', () => {
  let fake: FakeZumRails;
  let server: Server;
  let url: string;
  const received: Received[] = [];

  beforeAll(async () => {
    fake = await FakeZumRails.start();
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks) });
        if (request.url === '/hang') return; // never answers
        response.writeHead(202, { 'content-type': 'application/json' });
        response.end('{"accepted":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await fake.stop();
  });

  it('posts the JSON with Base64(HMAC-SHA256(body, secret)) and returns the answer', async () => {
    const event = { Type: 'Transaction', Event: 'StatusChange', Data: { Id: 'tx-1' } };
    const delivery = await fake.sendWebhook(`${url}/hook`, event, { secret: 's3cret' });
    expect(delivery).toMatchObject({
      status: 202,
      body: { accepted: true },
      text: '{"accepted":true}',
    });
    const last = received.at(-1)!;
    expect(last.body.toString()).toBe(JSON.stringify(event));
    expect(last.headers['content-type']).toBe('application/json');
    expect(last.headers['zumrails-signature']).toBe(
      createHmac('sha256', 's3cret').update(last.body).digest('base64'),
    );
  });

  it('sends a string body byte for byte, a chosen signature, or none', async () => {
    const raw = '{ "Type" : "User",\n "Data": {"Name":"Zoë"} }';
    await fake.sendWebhook(`${url}/hook`, raw, { secret: 's', signature: 'wrong' });
    expect(received.at(-1)!.body.equals(Buffer.from(raw, 'utf8'))).toBe(true);
    expect(received.at(-1)!.headers['zumrails-signature']).toBe('wrong');
    await fake.sendWebhook(`${url}/hook`, raw, { secret: 's', signature: false });
    expect(received.at(-1)!.headers).not.toHaveProperty('zumrails-signature');
  });

  it('rejects when the app does not answer within timeoutMs', async () => {
    const error = await rejectionOf(
      fake.sendWebhook(`${url}/hang`, {}, { secret: 's', timeoutMs: 200 }),
    );
    expect((error as Error).message).toContain('no answer within 200 ms');
  });
});
