import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import type { AxiosProxyConfig } from 'axios';
import { ZumRailsConfigError } from '../../lib/errors/zumrails.errors.js';
import { findUnknownOptions } from '../../lib/options/option-docs.js';
import { resolveTransportOptions } from '../../lib/options/resolve-options.js';

const HTTPS_BASE = 'https://api-sandbox.zumrails.com';
const SECRET = 'proxy-pa55-do-not-echo';
const proxy = { protocol: 'http', host: 'proxy.corp', port: 3128 };
const HIDDEN = { depth: Infinity, showHidden: true, getters: true };

function failure(transport: unknown, axiosVersion?: string): ZumRailsConfigError {
  try {
    resolveTransportOptions(transport, HTTPS_BASE, axiosVersion);
  } catch (error) {
    expect(error).toBeInstanceOf(ZumRailsConfigError);
    return error as ZumRailsConfigError;
  }
  throw new Error('expected a ZumRailsConfigError');
}

describe('resolveTransportOptions', () => {
  it('absent means the module defaults', () => {
    expect(resolveTransportOptions(undefined, HTTPS_BASE)).toEqual({});
  });

  it('keeps the agents and the proxy as given, its password readable but never shown', () => {
    const httpAgent = new HttpAgent();
    const httpsAgent = new HttpsAgent({ ca: 'pem' });
    const auth = { username: 'u', password: SECRET };
    const resolved = resolveTransportOptions(
      { httpAgent, httpsAgent, proxy: { ...proxy, auth } },
      HTTPS_BASE,
    );
    expect(resolved.httpAgent).toBe(httpAgent);
    expect(resolved.httpsAgent).toBe(httpsAgent);
    expect(resolved.proxy).toMatchObject(proxy);
    const kept = (resolved.proxy as AxiosProxyConfig).auth!;
    expect([kept.username, kept.password]).toEqual(['u', SECRET]);
    expect(Object.hasOwn(kept, 'password')).toBe(true); // axios reads own properties only
    for (const shown of [JSON.stringify(resolved), inspect(resolved, HIDDEN)]) {
      expect(shown).toContain('proxy.corp');
      expect(shown).not.toContain(SECRET);
    }
    expect(resolveTransportOptions({ proxy: false }, HTTPS_BASE)).toEqual({ proxy: false });
  });

  it.each([
    ['a string', 'http://proxy:3128', 'transport'],
    ['a non-agent httpAgent', { httpAgent: { keepAlive: true } }, 'transport.httpAgent'],
    ['a non-agent httpsAgent', { httpsAgent: 'agent' }, 'transport.httpsAgent'],
    ['a proxy URL string', { proxy: 'http://proxy:3128' }, 'transport.proxy'],
    ['a proxy true', { proxy: true }, 'transport.proxy'],
    ['no proxy host', { proxy: { port: 3128 } }, 'transport.proxy.host'],
    [
      'a proxy host with a scheme',
      { proxy: { host: 'http://p', port: 1 } },
      'transport.proxy.host',
    ],
    ['a proxy port as a string', { proxy: { host: 'p', port: '3128' } }, 'transport.proxy.port'],
    ['a proxy port out of range', { proxy: { host: 'p', port: 70000 } }, 'transport.proxy.port'],
    ['a socks proxy', { proxy: { ...proxy, protocol: 'socks5' } }, 'transport.proxy.protocol'],
  ])('rejects %s naming %s', (_, transport, field) => {
    expect(failure(transport).field).toBe(field);
  });

  it('rejects malformed proxy credentials without echoing them', () => {
    for (const auth of [
      SECRET,
      { username: '', password: SECRET },
      { username: 'u', password: 7 },
    ]) {
      const error = failure({ proxy: { ...proxy, auth } });
      expect(error.field).toBe('transport.proxy.auth');
      expect(JSON.stringify(error) + error.stack).not.toContain(SECRET);
    }
  });

  it('refuses a proxy for an https baseUrl with an axios that would not tunnel it safely', () => {
    const error = failure({ proxy }, '1.16.0');
    expect(error.field).toBe('transport.proxy');
    expect(error.message).toContain('axios >= 1.17.0');
    expect(() => resolveTransportOptions({ proxy }, HTTPS_BASE, '1.17.0')).not.toThrow();
    expect(() => resolveTransportOptions({ proxy }, 'http://127.0.0.1:1', '1.7.0')).not.toThrow();
    expect(() => resolveTransportOptions({ proxy: false }, HTTPS_BASE, '1.7.0')).not.toThrow();
  });

  it('leaves a misspelled key to the unknown-option warning, with the right suggestion', () => {
    const transport = { httpsagent: new HttpsAgent() };
    expect(resolveTransportOptions(transport, HTTPS_BASE)).toEqual({});
    expect(findUnknownOptions({ transport })).toEqual([
      { key: 'transport.httpsagent', suggestion: 'transport.httpsAgent' },
    ]);
  });
});
