import { X509Certificate } from 'node:crypto';
import { Agent, request } from 'node:https';
import { afterEach, describe, expect, it } from '@jest/globals';
import { FakeZumRails } from '../../lib/testing/index.js';
import { TestCertificateAuthority } from '../../lib/testing/test-certificates.js';

/** One HTTPS login against the fake through `agent`; resolves with the status. */
function login(fake: FakeZumRails, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ Username: fake.username, Password: fake.password });
    const url = new URL('/api/authorize', fake.url);
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('FakeZumRails over HTTPS', () => {
  const fakes: FakeZumRails[] = [];
  const agents: Agent[] = [];
  afterEach(async () => {
    for (const agent of agents.splice(0)) agent.destroy();
    for (const fake of fakes.splice(0)) await fake.stop();
  });
  async function start(options: Parameters<typeof FakeZumRails.start>[0]): Promise<FakeZumRails> {
    const fake = await FakeZumRails.start(options);
    fakes.push(fake);
    return fake;
  }
  function agent(options: ConstructorParameters<typeof Agent>[0]): Agent {
    const created = new Agent(options);
    agents.push(created);
    return created;
  }

  it('generates a CA and a loopback server certificate it issued', async () => {
    const fake = await start({ tls: true });
    const ca = new X509Certificate(fake.ca ?? '');
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain('test only');
    expect(await login(fake, agent({ ca: fake.ca }))).toBe(200);
  });

  it('serves the key and certificate it is given', async () => {
    const own = new TestCertificateAuthority('own test CA');
    const fake = await start({ tls: own.issueServer() });
    expect(await login(fake, agent({ ca: own.cert }))).toBe(200);
    await expect(login(fake, agent({ ca: fake.ca }))).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('accepts client certificates of its own CA or of clientCa when they are required', async () => {
    const other = new TestCertificateAuthority('client CA');
    const fake = await start({ tls: { requireClientCertificate: true, clientCa: other.cert } });
    const own = fake.issueClientCertificate('own-client');
    expect(await login(fake, agent({ ca: fake.ca, ...own }))).toBe(200);
    expect(fake.lastRequest()?.clientCertificate).toBe('own-client');
    expect(await login(fake, agent({ ca: fake.ca, ...other.issueClient('other') }))).toBe(200);
    expect(fake.lastRequest()?.clientCertificate).toBe('other');
    const stranger = new TestCertificateAuthority('stranger').issueClient('stranger');
    await expect(login(fake, agent({ ca: fake.ca, ...stranger }))).rejects.toThrow();
    expect(fake.counters.logins).toBe(2);
  });

  it('rejects a key without a certificate, and client certificates without TLS', async () => {
    await expect(FakeZumRails.start({ tls: { key: 'k' } })).rejects.toThrow(TypeError);
    const plain = await start({});
    expect(plain.ca).toBeUndefined();
    expect(plain.url).toMatch(/^http:/);
    expect(() => plain.issueClientCertificate('x')).toThrow(/tls/);
  });
});
