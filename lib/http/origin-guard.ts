import type { AxiosProxyConfig, AxiosRequestConfig, InternalAxiosRequestConfig } from 'axios';
import { ZumRailsCrossOriginError } from '../errors/zumrails-auth.errors.js';
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

/** The origin axios will send `config` to (`baseURL` and `url` joined the way axios joins them). */
function requestOrigin(config: InternalAxiosRequestConfig): string | undefined {
  const url = config.url ?? '';
  const base = config.baseURL;
  const absolute = ABSOLUTE_URL.test(url) && config.allowAbsoluteUrls !== false;
  if (absolute || !base) return originOf(url);
  // axios joins with a '/', which ends the base's authority: a relative URL keeps its origin.
  return baseOrigin(base);
}

let lastBase: string | undefined;
let lastBaseOrigin: string | undefined;

/** `originOf(base)`, remembered for the last base (one per instance in practice). */
function baseOrigin(base: string): string | undefined {
  if (base !== lastBase) {
    lastBaseOrigin = originOf(base);
    lastBase = base;
  }
  return lastBaseOrigin;
}

/**
 * Refuses a request whose own URL leaves `allowed` (nothing is sent), and makes its redirects
 * obey the rule: to another origin, GET/HEAD go on without credentials, others fail.
 * @throws ZumRailsCrossOriginError when the request targets another origin.
 */
export function guardOrigin(
  config: InternalAxiosRequestConfig,
  allowed: string,
  secrets: SecretRedactor,
): void {
  const method = (config.method ?? 'get').toUpperCase();
  const target = requestOrigin(config);
  if (target !== allowed) {
    const shown = secrets.with().text(target ?? 'an invalid or non-http URL');
    throw new ZumRailsCrossOriginError(method, shown, 'request', allowed);
  }
  const own = config.beforeRedirect;
  if ((own as { [GUARDED]?: true } | undefined)?.[GUARDED]) return;
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
  config.beforeRedirect = Object.assign(guard, { [GUARDED]: true as const });
}

/**
 * Refuses a request that names a `proxy` of its own, other than the instance's (the module's
 * `transport.proxy`): the bearer would go to that host, not only to the configured origin.
 * `proxy: false` (straight to the origin) is fine.
 * @throws ZumRailsCrossOriginError naming the proxy's origin (never its credentials).
 */
export function guardProxy(
  config: InternalAxiosRequestConfig,
  instanceProxy: AxiosProxyConfig | false | undefined,
  allowed: string,
  secrets: SecretRedactor,
): void {
  const proxy = config.proxy;
  if (!proxy || proxy === instanceProxy) return;
  const target = proxyOrigin(proxy);
  if (instanceProxy && target === proxyOrigin(instanceProxy)) return;
  const method = (config.method ?? 'get').toUpperCase();
  throw new ZumRailsCrossOriginError(method, secrets.with().text(target), 'request', allowed);
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
