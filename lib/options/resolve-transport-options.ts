import axios, { type AxiosProxyConfig } from 'axios';
import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import { REDACTED } from '../util/redact.js';
import { showOnly } from '../logging/module-logger.js';
import type { ZumRailsTransportOptions } from './zumrails-auth-options.interface.js';

/** axios sends HTTPS requests to a proxy in clear before 1.16.1, without the agent's CA before 1.17. */
const MIN_AXIOS_FOR_HTTPS_PROXY = [1, 17, 0] as const;
const PROXY_PROTOCOLS = new Set(['http', 'https', 'http:', 'https:']);

/**
 * Validates the `transport` option (shapes only; agents are the caller's objects, used as is).
 * Messages name the field and never echo a value: the proxy may carry credentials.
 * @throws ZumRailsConfigError naming `transport.<field>`.
 */
export function resolveTransportOptions(
  value: unknown,
  baseUrl: string,
  axiosVersion: string = axios.VERSION,
): Readonly<ZumRailsTransportOptions> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    throw new ZumRailsConfigError(
      'transport',
      'must be an object { httpAgent?, httpsAgent?, proxy? }',
    );
  }
  // Unknown keys are warned about with the other unknown options (known-options.ts).
  const options = value as ZumRailsTransportOptions;
  checkAgent('transport.httpAgent', options.httpAgent, 'http');
  checkAgent('transport.httpsAgent', options.httpsAgent, 'https');
  if (options.proxy !== undefined && options.proxy !== false) {
    checkProxy(options.proxy);
    if (baseUrl.startsWith('https:') && !atLeast(axiosVersion, MIN_AXIOS_FOR_HTTPS_PROXY)) {
      throw new ZumRailsConfigError(
        'transport.proxy',
        `needs axios >= ${MIN_AXIOS_FOR_HTTPS_PROXY.join('.')} for an https baseUrl (older versions do not tunnel HTTPS through the proxy safely); upgrade axios`,
      );
    }
  }
  const { httpAgent, httpsAgent, proxy } = options;
  return { httpAgent, httpsAgent, proxy: proxy && withHiddenPassword(proxy) };
}

/**
 * A copy of the proxy whose `auth.password` neither `util.inspect` (even with `showHidden`)
 * nor `JSON.stringify` shows, on the module's axios instances too: an own, non-enumerable
 * getter over a closure, which axios reads as usual. A class instance, so axios' config merge
 * keeps it as it is rather than copying its enumerable fields (the password is not one).
 */
function withHiddenPassword(proxy: AxiosProxyConfig): AxiosProxyConfig {
  if (!proxy.auth) return { ...proxy };
  const { username, password } = proxy.auth;
  const auth = new ProxyCredentials(username);
  Object.defineProperty(auth, 'password', { get: () => password, enumerable: false });
  return { ...proxy, auth: auth as ProxyCredentials & { password: string } };
}

class ProxyCredentials {
  constructor(readonly username: string) {}
}
showOnly(ProxyCredentials.prototype, 'ProxyCredentials', (auth: ProxyCredentials) => ({
  username: auth.username,
  password: REDACTED,
}));

function checkAgent(field: string, agent: unknown, kind: 'http' | 'https'): void {
  if (agent === undefined) return;
  // Duck-typed: agentkeepalive, proxy agents and agents from another copy of Node's http work too.
  if (!isObject(agent) || typeof (agent as { addRequest?: unknown }).addRequest !== 'function') {
    throw new ZumRailsConfigError(
      field,
      `must be a node:${kind} Agent (e.g. new ${kind}.Agent({ ... }))`,
    );
  }
}

function checkProxy(proxy: unknown): void {
  if (!isObject(proxy)) {
    throw new ZumRailsConfigError(
      'transport.proxy',
      'must be false or { protocol?, host, port, auth? }',
    );
  }
  const { host, port, protocol, auth } = proxy as Partial<AxiosProxyConfig>;
  if (typeof host !== 'string' || host.trim() === '' || /[\s/@]/.test(host)) {
    throw new ZumRailsConfigError(
      'transport.proxy.host',
      'must be a host name or IP address (no scheme, path or credentials)',
    );
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ZumRailsConfigError(
      'transport.proxy.port',
      'must be an integer port number in 1..65535',
    );
  }
  if (protocol !== undefined && (typeof protocol !== 'string' || !PROXY_PROTOCOLS.has(protocol))) {
    throw new ZumRailsConfigError('transport.proxy.protocol', "must be 'http' or 'https'");
  }
  if (auth !== undefined) checkProxyAuth(auth);
}

function checkProxyAuth(auth: unknown): void {
  const { username, password } = (isObject(auth) ? auth : {}) as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string' || username === '') {
    throw new ZumRailsConfigError(
      'transport.proxy.auth',
      'must be { username, password } with a non-empty username (the values are never shown)',
    );
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function atLeast(version: string, minimum: readonly number[]): boolean {
  const parts = version.split(/[.-]/).map((part) => Number.parseInt(part, 10));
  for (const [index, wanted] of minimum.entries()) {
    const actual = parts[index] ?? 0;
    if (Number.isNaN(actual)) return false;
    if (actual !== wanted) return actual > wanted;
  }
  return true;
}
