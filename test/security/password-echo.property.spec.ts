import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZumRailsAuthError } from '../../lib/index.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { AuthorizeClient } from '../../lib/token/authorize.client.js';
import { ZumRailsTransport } from '../../lib/transport/zumrails-transport.js';
import { SecretRedactor } from '../../lib/util/redact.js';
import { startAuthApp } from '../support/auth-app.js';
import {
  aspNetEscaped,
  jsonEscaped,
  randomPassword,
  rawEnvelope,
  seededRandom,
  urlEncoded,
} from '../support/echo-forms.js';
import { expectNoSecrets, rejectionOf } from '../support/zumrails-assertions.js';

const SEED = 0x5ec12e7;
const CASES = 200;
const FULL_APPS = 6;
const STATUSES = [400, 401, 403, 200, 500, 503, 502];
const ECHOED = 'raw [REDACTED] url [REDACTED] asp [REDACTED]';

/**
 * A login endpoint that echoes the password it received, in its raw, JSON-escaped (standard
 * and ASP.NET) and URL-encoded forms, with a status chosen by the case number (the username).
 */
function echoLogin(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    const { Username, Password } = JSON.parse(body) as { Username: string; Password: string };
    const status = STATUSES[Number(Username.split('-')[1]) % STATUSES.length] as number;
    if (status === 502) {
      res.writeHead(502, { 'content-type': `text/html; q=${urlEncoded(Password)}` });
      res.end(`<html>${Password} ${urlEncoded(Password)} ${jsonEscaped(Password)}</html>`);
      return;
    }
    const echo = `raw ${jsonEscaped(Password)} url ${urlEncoded(Password)} asp ${aspNetEscaped(Password)}`;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(rawEnvelope(status === 200 ? 400 : status, echo));
  });
}

describe(`${CASES} random passwords echoed back by a failing login (seed ${SEED})`, () => {
  let server: Server;
  let baseUrl: string;
  const random = seededRandom(SEED);
  const passwords = Array.from({ length: CASES }, () => randomPassword(random));

  beforeAll(async () => {
    server = createServer(echoLogin);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('never surface in the errors of the real login path over HTTP', async () => {
    for (const [index, password] of passwords.entries()) {
      const options = resolveOptions({ baseUrl, username: `case-${index}`, password });
      const secrets = new SecretRedactor();
      secrets.set('password', [password]);
      const transport = new ZumRailsTransport(options);
      const client = new AuthorizeClient(options, transport, secrets);
      const error = await rejectionOf(client.login());
      transport.onApplicationShutdown();
      expect(error).toBeInstanceOf(ZumRailsAuthError);
      const { message } = error as Error;
      if (!message.includes('HTML')) expect(message).toContain(ECHOED);
      try {
        await expectNoSecrets([password], { errors: [error] });
      } catch (leak) {
        const reproduce = `case ${index} (seed ${SEED}) ${JSON.stringify(password)}`;
        throw new Error(`${reproduce}: ${String(leak)}`, { cause: leak });
      }
    }
  });

  it('never surface in status, events or logs of a whole module', async () => {
    for (const [index, password] of passwords.slice(0, FULL_APPS).entries()) {
      const target = { url: baseUrl, username: `case-${index}`, password };
      const subject = await startAuthApp(target, {
        loginRetry: { initialDelayMs: 50, maxDelayMs: 50 },
      });
      const error = await rejectionOf(subject.tokens.getToken());
      await subject.app.close();
      expect(subject.logs.lines.length).toBeGreaterThan(0);
      await expectNoSecrets([password], { errors: [error], app: subject });
    }
  });
});
