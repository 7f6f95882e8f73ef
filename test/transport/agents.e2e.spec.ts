import { Agent, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { firstValueFrom } from 'rxjs';
import { ZumRailsTokenService, ZumRailsAuthModule } from '../../lib/index.js';
import { ZumRailsTransport } from '../../lib/transport/zumrails-transport.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { until } from '../support/zumrails-assertions.js';

/** A keep-alive agent that counts the connections it opens. */
class CountingAgent extends Agent {
  opened = 0;
  constructor() {
    super({ keepAlive: true });
  }
  override createConnection(
    options: ClientRequestArgs,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | null | undefined {
    this.opened++;
    return super.createConnection(options, callback);
  }
}

function openSockets(agent: Agent): number {
  const count = (pool: NodeJS.ReadOnlyDict<unknown[]>) =>
    Object.values(pool).reduce((sum, list) => sum + (list?.length ?? 0), 0);
  return count(agent.sockets) + count(agent.freeSockets);
}

describe('transport agents', () => {
  const fixture = useFakeZumRails();

  it("login, API calls and cancel share one socket of the app's agent, which shutdown leaves alone", async () => {
    const agent = new CountingAgent();
    const { app, tokens, http } = await fixture.start({ transport: { httpAgent: agent } });
    await tokens.getToken();
    for (let call = 0; call < 3; call++) await firstValueFrom(http.get('/api/wallet'));
    await app.close();

    expect(fixture.fake.counters).toMatchObject({ logins: 1, apiCalls: 3, cancels: 1 });
    expect(agent.opened).toBe(1);
    expect(fixture.fake.counters.connections).toBe(1);
    // The agent is the app's: its idle socket survives the module's shutdown.
    expect(openSockets(agent)).toBe(1);
    agent.destroy();
  });

  it('by default, login and API calls share a keep-alive agent whose sockets close on shutdown', async () => {
    const { app, tokens, http } = await fixture.start();
    const { httpAgent } = app.get(ZumRailsTransport).axiosConfig;
    expect(http.axiosRef.defaults.httpAgent).toBe(httpAgent);
    await tokens.getToken();
    for (let call = 0; call < 3; call++) await firstValueFrom(http.get('/api/wallet'));
    expect(fixture.fake.counters.connections).toBe(1);
    expect(openSockets(httpAgent)).toBe(1);

    await app.close();
    expect(fixture.fake.counters.cancels).toBe(1);
    await until(() => openSockets(httpAgent) === 0);
  });

  it('caps the default agents at 50 sockets with a 4 s idle timeout', async () => {
    const { app } = await fixture.start();
    const { httpAgent, httpsAgent } = app.get(ZumRailsTransport).axiosConfig;
    for (const agent of [httpAgent, httpsAgent]) {
      expect(agent).toMatchObject({ keepAlive: true, maxSockets: 50, maxFreeSockets: 10 });
      expect((agent as unknown as { options: { timeout?: number } }).options.timeout).toBe(4_000);
    }
  });

  it('takes the transport from a forRootAsync factory too', async () => {
    const agent = new CountingAgent();
    const { fake } = fixture;
    const moduleRef = await Test.createTestingModule({
      imports: [
        ZumRailsAuthModule.forRootAsync({
          useFactory: () => ({
            baseUrl: fake.url,
            username: fake.username,
            password: fake.password,
            startup: 'lazy',
            transport: { httpAgent: agent },
          }),
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    await app.get(ZumRailsTokenService).getToken();
    await app.close();

    expect(agent.opened).toBe(1);
    expect(fake.counters).toMatchObject({ logins: 1, cancels: 1 });
    agent.destroy();
  });
});
