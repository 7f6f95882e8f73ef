import { Agent } from 'node:https';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { ZumRailsHttpError, ZumRailsUnavailableError } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { rejectionOf, secretsOf } from '../support/zumrails-assertions.js';

const agents: Agent[] = [];
function httpsAgent(options: ConstructorParameters<typeof Agent>[0]): Agent {
  const agent = new Agent({ keepAlive: true, ...options });
  agents.push(agent);
  return agent;
}
afterEach(() => {
  for (const agent of agents.splice(0)) agent.destroy();
});

function shown(error: unknown): string {
  return [String(error), JSON.stringify(error), inspect(error, { depth: 8 })].join('\n');
}

describe('transport over HTTPS with a private CA', () => {
  const fixture = useFakeZumRails({ tls: true });

  it('an httpsAgent trusting the CA carries login, API calls and cancel over one TLS connection', async () => {
    const { fake } = fixture;
    expect(fake.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const agent = httpsAgent({ ca: fake.ca });
    const { app, tokens, http } = await fixture.start({ transport: { httpsAgent: agent } });
    await tokens.getToken();
    const { data } = await firstValueFrom(http.get<{ result: unknown[] }>('/api/wallet'));
    await app.close();

    expect(data.result).toHaveLength(2);
    expect(fake.counters).toMatchObject({ logins: 1, apiCalls: 1, cancels: 1, connections: 1 });
  });

  it('without the CA, fails with a typed, secret-free error that points at the certificate', async () => {
    const { tokens, http } = await fixture.start();
    // refresh() reports its one attempt; getToken() waits across transient failures, and when
    // a retry and the 3-s wait limit race (jitter, a loaded machine) it reports the wait instead.
    const loginError = await rejectionOf(tokens.refresh());
    const apiError = await rejectionOf(
      firstValueFrom(http.get('/api/wallet', { zumRailsAuth: false })),
    );

    expect(loginError).toBeInstanceOf(ZumRailsUnavailableError);
    expect((loginError as Error).message).toMatch(
      /certificate .*not trusted \(SELF_SIGNED_CERT_IN_CHAIN\).*transport\.httpsAgent/,
    );
    expect(apiError).toBeInstanceOf(ZumRailsHttpError);
    expect(apiError).toMatchObject({
      code: 'unavailable',
      cause: expect.objectContaining({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
    });
    expect(fixture.fake.counters.logins).toBe(0);
    for (const secret of secretsOf(fixture.fake)) {
      expect(shown(loginError)).not.toContain(secret);
      expect(shown(apiError)).not.toContain(secret);
    }
  });
});

describe('transport with a client certificate (mutual TLS)', () => {
  const fixture = useFakeZumRails({ tls: { requireClientCertificate: true } });

  it('presents the certificate of the httpsAgent on login and API calls', async () => {
    const { fake } = fixture;
    const agent = httpsAgent({ ca: fake.ca, ...fake.issueClientCertificate('payments-api') });
    const { tokens, http } = await fixture.start({ transport: { httpsAgent: agent } });
    await tokens.getToken();
    await firstValueFrom(http.get('/api/wallet'));

    expect(fake.lastRequest('/api/authorize')?.clientCertificate).toBe('payments-api');
    expect(fake.lastRequest('/api/wallet')?.clientCertificate).toBe('payments-api');
  });

  it('without one, the refused handshake is a typed error asking for a client certificate', async () => {
    const agent = httpsAgent({ ca: fixture.fake.ca });
    // Waits far longer than a refused handshake takes, even on a loaded machine, so the only
    // way to fail is the handshake itself (not the 3-s token wait of the test defaults).
    const { tokens } = await fixture.start({
      transport: { httpsAgent: agent },
      requestTimeoutMs: 15_000,
      tokenWaitTimeoutMs: 20_000,
    });
    const error = await rejectionOf(tokens.getToken());

    expect(error).toBeInstanceOf(ZumRailsUnavailableError);
    expect((error as Error).message).toMatch(/client certificate.*transport\.httpsAgent/);
    expect(fixture.fake.counters.logins).toBe(0);
  });
});
