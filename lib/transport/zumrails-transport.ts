import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { AxiosProxyConfig } from 'axios';
import { DEFAULT_OPTIONS } from '../options/option-spec.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { RESOLVED_OPTIONS } from '../options/account-name.js';
import { SafeToLog, showOnly } from '../logging/module-logger.js';

/** What every axios instance of the module is created with. */
interface ZumRailsAxiosTransport {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  /** Only when the option sets it: absent, axios reads `HTTP(S)_PROXY` / `NO_PROXY`. */
  proxy?: AxiosProxyConfig | false;
}

/**
 * The agents and proxy of one module, shared by the login client and the API instance so a
 * login and the calls after it reuse the same keep-alive sockets. Agents the module created
 * are destroyed at shutdown (after the token service's cancel: Nest shuts dependents down
 * first); agents from the `transport` option are the app's and are left alone.
 */
@Injectable()
@SafeToLog()
export class ZumRailsTransport implements OnApplicationShutdown {
  /** The config fragment to spread into `axios.create()`. */
  readonly axiosConfig: Readonly<ZumRailsAxiosTransport>;
  private readonly owned: HttpAgent[] = [];

  constructor(@Inject(RESOLVED_OPTIONS) options: ResolvedZumRailsAuthOptions) {
    const { httpAgent, httpsAgent, proxy } = options.transport;
    this.axiosConfig = {
      httpAgent: httpAgent ?? this.own(new HttpAgent(defaultAgentOptions())),
      httpsAgent: httpsAgent ?? this.own(new HttpsAgent(defaultAgentOptions())),
      ...(proxy === undefined ? {} : { proxy }),
    };
  }

  /** Closes the sockets of the module's own agents, idle and busy. */
  onApplicationShutdown(): void {
    for (const agent of this.owned.splice(0)) agent.destroy();
  }

  private own<A extends HttpAgent>(agent: A): A {
    this.owned.push(agent);
    // Its sockets keep their last request, headers (bearer, proxy credentials) included.
    showOnly(agent, undefined, ({ keepAlive, maxSockets }: A & { keepAlive?: boolean }) => ({
      keepAlive,
      maxSockets,
    }));
    return agent;
  }
}

function defaultAgentOptions() {
  const { maxSockets, maxFreeSockets, idleSocketTimeoutMs } = DEFAULT_OPTIONS.agent;
  // `timeout` is the idle timeout of free sockets (Node destroys a free socket on it); a busy
  // socket gets the request's own timeout from axios.
  return { keepAlive: true, maxSockets, maxFreeSockets, timeout: idleSocketTimeoutMs };
}

/** The variables axios (proxy-from-env) reads a proxy URL from. */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;

/**
 * The proxy credentials in every shape they travel in: the password, `user:password`, and the
 * base64 of the `Proxy-Authorization: Basic` header (what a careless proxy echoes back). From
 * the `transport.proxy` option, or, when it is absent, from the proxy URLs in the environment
 * that axios would use. Empty when there are none (`proxy: false` included).
 */
export function proxySecrets(
  proxy: AxiosProxyConfig | false | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (proxy === false) return [];
  if (proxy !== undefined) return proxy.auth ? credentialForms(proxy.auth) : [];
  return PROXY_VARIABLES.flatMap((name) => envCredentials(env[name]));
}

function envCredentials(value: string | undefined): string[] {
  if (!value) return [];
  let url: URL;
  try {
    url = new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    return [];
  }
  if (!url.username && !url.password) return [];
  return credentialForms({ username: decode(url.username), password: decode(url.password) });
}

function credentialForms({ username, password }: { username: string; password: string }): string[] {
  const pair = `${username}:${password}`;
  return [password, pair, Buffer.from(pair, 'utf8').toString('base64')];
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Node's codes for a server certificate the client does not trust. */
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);
/** TLS alerts a server sends when it wants a (different) client certificate. */
const CLIENT_CERTIFICATE_ALERT =
  /^ERR_SSL_(TLSV13_)?(SSLV3_|TLSV1_)?ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|HANDSHAKE_FAILURE)$/;

/**
 * What to do about a TLS failure, from the error code alone (no message, no certificate text):
 * `undefined` when `code` is not a TLS certificate problem.
 */
export function describeTlsFailure(code: string): string | undefined {
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    return `TLS certificate of Zum Rails (or of a proxy in between) not trusted (${code}): give transport.httpsAgent the CA that issued it, e.g. new https.Agent({ ca })`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `TLS certificate outside its validity period (${code}): check the server certificate and this machine's clock`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS certificate does not name the baseUrl host (${code})`;
  }
  if (CLIENT_CERTIFICATE_ALERT.test(code)) {
    return `TLS handshake refused by the server (${code}): it wants a client certificate it accepts; set cert and key on transport.httpsAgent`;
  }
  return undefined;
}
