import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  ZumRailsBadResponseError,
  ZumRailsCredentialsRejectedError,
  ZumRailsUnavailableError,
} from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';

const PASSWORD = 'wrong-url-password-5d8e';

/** A server that answers every request with `status` and `body` (JSON when not a string). */
async function answering(status: number, body: unknown): Promise<Server> {
  const server = createServer((_, res) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const type = typeof body === 'string' ? 'text/html' : 'application/json';
    res.writeHead(status, { 'content-type': type }).end(text);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('a login against a wrong base URL', () => {
  const zumRails = useFakeZumRails();
  const servers: Server[] = [];

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  async function loginError(baseUrl: string): Promise<Error> {
    const { tokens } = await zumRails.start({ baseUrl, password: PASSWORD });
    const error = await tokens.refresh().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(Error);
    expect(JSON.stringify(error)).not.toContain(PASSWORD);
    return error as Error;
  }

  it("names the origin and the options to check when Zum Rails' envelope says isError with statusCode 404", async () => {
    const server = await answering(404, { isError: true, statusCode: 404, message: 'Not Found' });
    servers.push(server);
    const error = await loginError(`${urlOf(server)}/v2`);
    expect(error).toBeInstanceOf(ZumRailsBadResponseError);
    expect(error.message).toBe(
      'Unexpected response from Zum Rails: isError with statusCode 404: Not Found ' +
        `(login at ${urlOf(server)}: check the baseUrl or environment option)`,
    );
  });

  it('names the origin, without the path of the base URL, for an HTML 404 page', async () => {
    const server = await answering(404, '<html><body>Not Found</body></html>');
    servers.push(server);
    const error = await loginError(`${urlOf(server)}/private-path-7a1c`);
    expect(error).toBeInstanceOf(ZumRailsBadResponseError);
    expect(error.message).toContain(`(login at ${urlOf(server)}: check the baseUrl or environment`);
    expect(error.message).not.toContain('private-path-7a1c');
  });

  it('names the origin when nothing listens there', async () => {
    const server = await answering(200, {});
    const url = urlOf(server);
    await new Promise<void>((done) => server.close(() => done()));
    const error = await loginError(url);
    expect(error).toBeInstanceOf(ZumRailsUnavailableError);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).toContain(`(login at ${url}: check the baseUrl or environment option)`);
  });

  it('adds nothing when the URL is right and the credentials are not', async () => {
    const error = await loginError(zumRails.fake.url);
    expect(error).toBeInstanceOf(ZumRailsCredentialsRejectedError);
    expect(error.message).not.toContain('baseUrl');
  });
});
