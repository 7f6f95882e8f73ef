import type { AxiosProxyConfig } from 'axios';
import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import { compilePathPattern } from '../ratelimit/path-pattern.js';
import { REDACTED } from '../util/redact.js';
import { describeValue, holdsPassword, type At, type Check } from './option-spec.js';
import { showOnly } from '../logging/module-logger.js';
import type { ZumRailsRateLimitRule } from './zumrails-auth-options.interface.js';

export type { At, Check };

/** @throws ZumRailsConfigError naming the option at `at`. */
export function fail(at: At | string, problem: string): never {
  throw new ZumRailsConfigError(typeof at === 'string' ? at : at.path, problem);
}

/** A finite number of milliseconds in `[min, max]` (an integer when `integer`). */
export function ms(min: number, max: number, integer = false): Check {
  const kind = integer ? 'an integer number of milliseconds' : 'a finite number of milliseconds';
  return (value, at) => {
    const valid =
      typeof value === 'number' && (integer ? Number.isInteger(value) : Number.isFinite(value));
    if (!valid || value < min || value > max) {
      fail(at, `must be ${kind} between ${min} and ${max}, got ${gotNumber(value, at)}`);
    }
    return value;
  };
}

/** An integer in `[min, max]`. */
export function integer(min: number, max: number): Check {
  return (value, at) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(at, `must be an integer from ${min} to ${max}, got ${gotNumber(value, at)}`);
    }
    return value;
  };
}

export const flag: Check = (value, at) => {
  if (typeof value !== 'boolean') {
    fail(at, `must be true or false, got ${describeValue(value, at.password)}`);
  }
  return value;
};

/** One of `values` (strings). */
export function oneOf(values: readonly string[]): Check {
  return (value, at) => {
    if (typeof value !== 'string' || !values.includes(value)) {
      fail(at, `must be ${alternatives(values)}, got ${describeValue(value, at.password)}`);
    }
    return value;
  };
}

/** A required, non-blank string; `fix` says where to find it. Called for an absent value too. */
export function requiredText(fix: string): Check {
  return (value, at) => {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      fail(at, `must be a string, got a ${typeof value}: ${fix}`);
    }
    if (typeof value !== 'string' || value.trim() === '') fail(at, `is missing or empty: ${fix}`);
    return value;
  };
}

/** An object with these methods (duck-typed: another copy of a library works too). */
export function withMethods(methods: readonly string[], what: string): Check {
  return (value, at) => {
    const object = isObject(value) ? (value as Record<string, unknown>) : undefined;
    if (object === undefined || methods.some((name) => typeof object[name] !== 'function')) {
      fail(at, `must be ${what}`);
    }
    return value;
  };
}

/** `false` or a Nest `LoggerService`. */
export const loggerOption: Check = (value, at) =>
  value === false
    ? false
    : withMethods(
        ['log', 'warn', 'error'],
        'a Nest LoggerService (log, warn and error methods) or false',
      )(value, at);

export const TOKEN_STORE_METHODS = [
  'get',
  'compareAndSet',
  'compareAndDelete',
  'acquireLease',
  'releaseLease',
] as const;

/** A `TokenStore`; a bare ioredis client gets the hint to wrap it. */
export const tokenStore: Check = (value, at) => {
  const methods = isObject(value) ? (value as Record<string, unknown>) : undefined;
  if (
    methods === undefined ||
    TOKEN_STORE_METHODS.some((name) => typeof methods[name] !== 'function')
  ) {
    const hint =
      typeof methods?.eval === 'function'
        ? 'wrap the ioredis client: store: new ZumRailsRedisTokenStore(redis)'
        : 'e.g. store: new ZumRailsRedisTokenStore(redis)';
    fail(at, `must implement ${TOKEN_STORE_METHODS.join(', ')}; ${hint}`);
  }
  return value;
};

/** The store of `deduplicate`: only the methods deduplication uses. */
export const deduplicationStore: Check = (value, at) => {
  const store = isObject(value) ? (value as Record<string, unknown>) : undefined;
  const wanted = ['acquireLease', 'get', 'compareAndSet', 'compareAndDelete'];
  const missing = wanted.filter((method) => typeof store?.[method] !== 'function');
  if (missing.length > 0) {
    fail(
      at,
      `must be a ZumRailsTokenStore (ZumRailsRedisTokenStore, ZumRailsInMemoryTokenStore or your own); it lacks ${missing.join(', ')}`,
    );
  }
  return value;
};

/** A 32-byte AES key (see {@link decodeEncryptionKey}); never echoed. */
export const encryptionKey: Check = (value, at) =>
  decodeEncryptionKey(value) ??
  fail(
    at,
    'must be 32 random bytes given as 64 hex characters, base64 or a Uint8Array (generate one with `openssl rand -base64 32`)',
  );

/**
 * A 32-byte AES key from 64 hex characters, base64 or base64url (`openssl rand -base64 32`),
 * or 32 raw bytes. `undefined` when it is anything else. Never echoes the key.
 */
export function decodeEncryptionKey(value: unknown): Buffer | undefined {
  let key: Buffer | undefined;
  if (value instanceof Uint8Array) key = Buffer.from(value);
  else if (typeof value === 'string') {
    const text = value.trim();
    if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
    else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) key = Buffer.from(text, 'base64');
  }
  return key?.length === 32 ? key : undefined;
}

/** An absolute `https` URL (`http` for loopback hosts), without credentials, query or fragment. */
export const baseUrl: Check = (value, at) => {
  if (value === '') fail(at, "missing: set environment ('sandbox' | 'production') or baseUrl");
  if (holdsPassword(value, at.password)) fail(at, `is ${describeValue(value, at.password)}`);
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return fail(at, 'is not a valid absolute URL (e.g. https://api-sandbox.zumrails.com)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail(at, `must use https, got ${url.protocol}`);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    fail(
      at,
      'must use https: plain http would send the password in clear (http is allowed for loopback hosts only)',
    );
  }
  if (url.username || url.password) {
    fail(at, 'must not contain credentials; use the username and password options');
  }
  if (url.search || url.hash) fail(at, 'must not contain a query string or fragment');
  return url.origin + url.pathname.replace(/\/+$/, '');
};

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** A node:http(s) Agent, duck-typed (agentkeepalive and proxy agents work too). */
export function agent(kind: 'http' | 'https'): Check {
  return (value, at) => {
    if (!isObject(value) || typeof (value as { addRequest?: unknown }).addRequest !== 'function') {
      fail(at, `must be a node:${kind} Agent (e.g. new ${kind}.Agent({ ... }))`);
    }
    return value;
  };
}

const PROXY_PROTOCOLS = new Set(['http', 'https', 'http:', 'https:']);

/** `false` or `{ protocol?, host, port, auth? }`; never echoes a value (credentials). */
export const proxy: Check = (value, at) => {
  if (value === false) return false;
  if (!isObject(value)) fail(at, 'must be false or { protocol?, host, port, auth? }');
  const { host, port, protocol, auth } = value as Partial<AxiosProxyConfig>;
  if (typeof host !== 'string' || host.trim() === '' || /[\s/@]/.test(host)) {
    fail(`${at.path}.host`, 'must be a host name or IP address (no scheme, path or credentials)');
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`${at.path}.port`, 'must be an integer port number in 1..65535');
  }
  if (protocol !== undefined && (typeof protocol !== 'string' || !PROXY_PROTOCOLS.has(protocol))) {
    fail(`${at.path}.protocol`, "must be 'http' or 'https'");
  }
  if (auth !== undefined) {
    const { username, password } = (isObject(auth) ? auth : {}) as Record<string, unknown>;
    if (typeof username !== 'string' || typeof password !== 'string' || username === '') {
      fail(
        `${at.path}.auth`,
        'must be { username, password } with a non-empty username (the values are never shown)',
      );
    }
  }
  return withHiddenPassword(value as AxiosProxyConfig);
};

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

const MAX_RULES = 50;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** At most 50 `{ path, methods?, limit, windowMs }`; methods upper-cased. */
export const rateLimitRules: Check = (rules, at) => {
  if (!Array.isArray(rules) || rules.length > MAX_RULES) {
    fail(at, `must be an array of at most ${MAX_RULES} rules { path, methods?, limit, windowMs }`);
  }
  return rules.map((rule: unknown, index) =>
    rateLimitRule(rule, { ...at, path: `${at.path}[${index}]` }),
  );
};

function rateLimitRule(rule: unknown, at: At): ZumRailsRateLimitRule {
  if (!isObject(rule)) fail(at, 'must be { path, methods?, limit, windowMs }');
  const { path, methods, limit, windowMs } = rule as Record<string, unknown>;
  const pattern = compilePathPattern(path);
  if (typeof pattern === 'string') {
    fail(`${at.path}.path`, `${pattern}; got ${describeValue(path, at.password)}`);
  }
  const resolved: ZumRailsRateLimitRule = {
    path: path as string,
    limit: integer(1, 100_000)(limit, { ...at, path: `${at.path}.limit` }) as number,
    windowMs: integer(100, 86_400_000)(windowMs, { ...at, path: `${at.path}.windowMs` }) as number,
  };
  if (methods === undefined) return resolved;
  const valid =
    Array.isArray(methods) &&
    methods.length > 0 &&
    methods.every((method) => typeof method === 'string' && METHODS.has(method.toUpperCase()));
  if (!valid) {
    fail(
      `${at.path}.methods`,
      `must be a non-empty array of HTTP methods (${[...METHODS].join(', ')})`,
    );
  }
  return { ...resolved, methods: (methods as string[]).map((method) => method.toUpperCase()) };
}

/** At most this many webhook secrets: more would mean a rotation that never ended. */
const MAX_SECRETS = 5;

/** A webhook secret, or 1 to 5 of them (newest first); never echoed. Returns the list. */
export const webhookSecrets: Check = (value, at) => {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.length > MAX_SECRETS) {
    fail(at, `must be a string or an array of 1 to ${MAX_SECRETS} strings (newest first)`);
  }
  list.forEach((secret, index) =>
    webhookSecret(secret, list.length > 1 ? `${at.path}[${index}]` : at.path),
  );
  return Object.freeze([...(list as string[])]);
};

function webhookSecret(secret: unknown, path: string): void {
  const fix =
    'set it to the Webhook Secret from the Zum Rails portal (Settings > Webhook & API settings)';
  if (typeof secret !== 'string' || secret.trim() === '') fail(path, `is missing or empty: ${fix}`);
  if (secret !== secret.trim()) {
    fail(
      path,
      'has leading or trailing whitespace (a newline from an env file?): remove it, the signature covers every byte',
    );
  }
  if (secret.length > 1_024) fail(path, `is longer than 1024 characters: ${fix}`);
}

/** 1 to 64 letters, digits, or `. : _ -`. */
export const namespace: Check = (value, at) => {
  if (typeof value !== 'string' || !/^[\w.:-]{1,64}$/.test(value)) {
    fail(at, 'must be 1 to 64 letters, digits, or . : _ -');
  }
  return value;
};

/** `'a' or 'b'`, `'a', 'b' or 'c'`. */
export function alternatives(values: readonly string[]): string {
  const quoted = values.map((one) => `'${one}'`);
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

export function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function gotNumber(value: unknown, at: At): string {
  return typeof value === 'string'
    ? 'a string (convert it with Number())'
    : describeValue(value, at.password);
}
