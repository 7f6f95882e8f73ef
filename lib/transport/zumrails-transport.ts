import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { AxiosProxyConfig } from 'axios';
import { DEFAULT_OPTIONS } from '../options/defaults.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { RESOLVED_OPTIONS } from '../options/option-tokens.js';
import { SafeToLog, showOnly } from '../util/safe-to-log.js';

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
