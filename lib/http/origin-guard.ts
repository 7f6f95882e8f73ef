import type { AxiosProxyConfig, AxiosRequestConfig, InternalAxiosRequestConfig } from 'axios';
import { ZumRailsCrossOriginError } from '../errors/zumrails.errors.js';
import type { SecretRedactor } from '../util/redact.js';

type BeforeRedirect = NonNullable<AxiosRequestConfig['beforeRedirect']>;

/** Methods whose redirect may be followed to another origin (without the bearer): no body. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;
const CREDENTIAL_HEADER = /^(?:authorization|proxy-authorization|cookie)$/i;
const GUARDED = Symbol('zumrails-redirect-guard');

/** `scheme://host[:port]` of `url`, or undefined when it is not an absolute http(s) URL. */
export function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The origin rule of one pipeline: the bearer goes only to `allowed` (scheme, host, port).
 * Per instance: the last base URL's origin is remembered here, not process-wide.
 */
export class OriginGuard {
  private lastBase: string | undefined;
  private lastBaseOrigin: string | undefined;
  /** The redirect hook of each method, shared by every request without one of its own. */
  private readonly redirectGuards = new Map<string, BeforeRedirect>();

  constructor(
    readonly allowed: string,
    private readonly secrets: SecretRedactor,
  ) {}

  /**
   * Refuses a request whose own URL leaves the allowed origin (nothing is sent), and makes its
   * redirects obey the rule: to another origin, GET/HEAD go on without credentials, others fail.
   * @throws ZumRailsCrossOriginError when the request targets another origin.
   */
  check(config: InternalAxiosRequestConfig): void {
    const method = config.method ?? 'get';
    const target = this.requestOrigin(config);
    if (target !== this.allowed) {
      const shown = this.secrets.with().text(target ?? 'an invalid or non-http URL');
      throw new ZumRailsCrossOriginError(method.toUpperCase(), shown, 'request', this.allowed);
    }
    const own = config.beforeRedirect;
    if (own === undefined) {
      let guard = this.redirectGuards.get(method);
      if (guard === undefined) {
        guard = this.redirectGuard(method.toUpperCase(), undefined);
        this.redirectGuards.set(method, guard);
      }
      config.beforeRedirect = guard;
    } else if (!(own as { [GUARDED]?: true })[GUARDED]) {
      config.beforeRedirect = this.redirectGuard(method.toUpperCase(), own);
    }
  }

  /**
   * Refuses a request that names a `proxy` of its own, other than the instance's (the module's
   * `transport.proxy`): the bearer would go to that host, not only to the configured origin.
   * `proxy: false` (straight to the origin) is fine.
   * @throws ZumRailsCrossOriginError naming the proxy's origin (never its credentials).
   */
  checkProxy(
    config: InternalAxiosRequestConfig,
    instanceProxy: AxiosProxyConfig | false | undefined,
  ): void {
    const proxy = config.proxy;
    if (!proxy || proxy === instanceProxy) return;
    const target = proxyOrigin(proxy);
    if (instanceProxy && target === proxyOrigin(instanceProxy)) return;
    const method = (config.method ?? 'get').toUpperCase();
    const shown = this.secrets.with().text(target);
    throw new ZumRailsCrossOriginError(method, shown, 'request', this.allowed);
  }

  /** The origin axios will send `config` to (`baseURL` and `url` joined as axios joins them). */
  private requestOrigin(config: InternalAxiosRequestConfig): string | undefined {
    const url = config.url ?? '';
    const base = config.baseURL;
    const absolute = ABSOLUTE_URL.test(url) && config.allowAbsoluteUrls !== false;
    if (absolute || !base) return originOf(url);
    // axios joins with a '/', which ends the base's authority: a relative URL keeps its origin.
    if (base !== this.lastBase) {
      this.lastBaseOrigin = originOf(base);
      this.lastBase = base;
    }
    return this.lastBaseOrigin;
  }

  private redirectGuard(method: string, own: BeforeRedirect | undefined): BeforeRedirect {
    const { allowed, secrets } = this;
    const guard: BeforeRedirect = (options, response, request) => {
      const next = originOf((options as { href?: string }).href);
      if (next !== allowed) {
        if (!SAFE_METHODS.has(method)) {
          const shown = secrets.with().text(next ?? 'an invalid or non-http URL');
          throw new ZumRailsCrossOriginError(method, shown, 'redirect', allowed);
        }
        dropCredentials(options.headers as Record<string, unknown> | undefined);
      }
      own?.(options, response, request);
    };
    return Object.assign(guard, { [GUARDED]: true as const });
  }
}

/** `scheme://host:port` of a proxy (never its credentials). */
function proxyOrigin(proxy: AxiosProxyConfig): string {
  return `${(proxy.protocol ?? 'http').replace(/:$/, '')}://${proxy.host}:${proxy.port}`;
}

/** The typed refusal thrown inside a redirect, as axios wraps it (in `cause`, bounded). */
export function crossOriginCause(error: unknown): ZumRailsCrossOriginError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    if (current instanceof ZumRailsCrossOriginError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function dropCredentials(headers: Record<string, unknown> | undefined): void {
  if (!headers) return;
  for (const name of Object.keys(headers)) if (CREDENTIAL_HEADER.test(name)) delete headers[name];
}
