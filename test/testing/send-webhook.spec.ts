import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { FakeZumRails } from '../../lib/testing/index.js';
import { TestCertificateAuthority } from '../../lib/testing/test-certificates.js';
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

  it('sends one delivery N times at once, to several URLs in turn', async () => {
    const before = received.length;
    const event = { Type: 'Transaction', Data: { Id: 'tx-dup' } };
    const answers = await fake.sendDuplicateWebhooks([`${url}/a`, `${url}/b`], event, {
      secret: 's3cret',
      times: 5,
    });
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202]);
    const sent = received.slice(before);
    expect(sent).toHaveLength(5);
    expect(new Set(sent.map((one) => one.body.toString()))).toEqual(
      new Set([JSON.stringify(event)]),
    );
    expect(new Set(sent.map((one) => one.headers['zumrails-signature'])).size).toBe(1);
    await expect(fake.sendDuplicateWebhooks(url, event, { secret: 's', times: 0 })).rejects.toThrow(
      RangeError,
    );
    await expect(fake.sendDuplicateWebhooks([], event, { secret: 's', times: 2 })).rejects.toThrow(
      RangeError,
    );
  });

  it('reaches an HTTPS app with a private CA through `ca` or an `agent`', async () => {
    const authority = new TestCertificateAuthority();
    const tls = createHttpsServer(authority.issueServer(), (request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(204).end());
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const httpsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/hook`;
    const agent = new HttpsAgent({ ca: authority.cert });
    try {
      const untrusted = await rejectionOf(fake.sendWebhook(httpsUrl, {}, { secret: 's' }));
      expect((untrusted as Error).message).toMatch(/certificate/i);
      expect(
        (await fake.sendWebhook(httpsUrl, {}, { secret: 's', ca: authority.cert })).status,
      ).toBe(204);
      expect((await fake.sendWebhook(httpsUrl, {}, { secret: 's', agent })).status).toBe(204);
    } finally {
      agent.destroy();
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
    }
  });
});
