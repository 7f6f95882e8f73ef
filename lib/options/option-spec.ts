import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import { Redaction, REDACTED } from '../util/redact.js';
import type {
  ResolvedZumRailsAuthOptions,
  ZumRailsAuthOptions,
  ZumRailsEnvironment,
  ZumRailsRateLimitRule,
} from './zumrails-auth-options.interface.js';

/** Where a check runs: the option's path as the app wrote it, and the password not to echo. */
export interface At {
  readonly path: string;
  readonly password: unknown;
}

/** Validates one given (not undefined) value and returns what the module uses. */
export type Check = (value: unknown, at: At) => unknown;

/** What a default may depend on: the options of its level and of the top level, resolved so far. */
export type Resolved = Readonly<Record<string, unknown>>;

/**
 * One option, declared once: its type and default as the docs show them, its one-line doc, its
 * check. Validation, defaults, the known keys (typo warnings) and the docs' tables read this.
 */
export interface OptionSpec {
  /** The type as the docs show it (markdown). */
  readonly type: string;
  /** One line for the docs' table. */
  readonly doc: string;
  /** The value when absent: a constant, or computed from what is resolved so far (see order). */
  readonly default?: unknown;
  /** How the default reads in the docs when the value alone would not say it. */
  readonly defaultDoc?: string;
  /** Validates a given value and returns what the module uses; `required`: absent too. */
  readonly check?: Check;
  readonly required?: boolean;
  /** A settings object with options of its own (resolved with their defaults when absent). */
  readonly fields?: OptionTable<object>;
  /** The group resolves to `undefined` when absent, instead of its fields' defaults. */
  readonly optional?: boolean;
  /** `false` is accepted: what the group resolves to then, from its defaults. */
  readonly off?: (defaults: Resolved) => unknown;
  /** The deprecated old name of the option `aliasOf` (same level). */
  readonly aliasOf?: string;
}

/**
 * The options of `T`, in the order they are resolved and documented: a default computed from
 * other options comes after them. Every key of `T` and no other, or it does not compile.
 */
export type OptionTable<T> = { readonly [K in keyof Required<T>]-?: OptionSpec };

/** A default computed from the options resolved before it (same level, then top level). */
export function computed(
  compute: (level: Resolved, root: Resolved) => unknown,
  doc: string,
): Pick<OptionSpec, 'default' | 'defaultDoc'> {
  return { default: compute, defaultDoc: doc };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** API base URLs of the vendor's environments (see the Zum Rails API reference). */
export const ZUMRAILS_ENVIRONMENTS: Readonly<Record<ZumRailsEnvironment, string>> = {
  sandbox: 'https://api-sandbox.zumrails.com',
  production: 'https://api-app.zumrails.com',
};

/**
 * The vendor's documented API limits per environment (see the Zum Rails API reference): over
 * them, the caller's IP is blocked for 5 minutes. Logins have their own budget.
 */
export const VENDOR_RATE_LIMITS: Readonly<
  Record<ZumRailsEnvironment, readonly ZumRailsRateLimitRule[]>
> = {
  production: [
    { path: '/api/*/filter', limit: 100, windowMs: 5 * MINUTE },
    { path: '/api/transaction/*', methods: ['GET'], limit: 100, windowMs: 5 * MINUTE },
  ],
  sandbox: [{ path: '/api/*', limit: 300, windowMs: 5 * MINUTE }],
};

/** What the module uses that is not an option: its own agents and the API body cap. */
export const DEFAULT_OPTIONS = {
  /** The default of the `requestTimeoutMs` option (also for `attachZumRailsAuth`). */
  requestTimeoutMs: 10_000,
  /**
   * The module's own keep-alive agents (one http, one https), shared by login and API calls.
   * 50 sockets cap the parallel calls to the vendor (more wait in the agent's queue); idle
   * sockets close after 4 s, before the usual server idle timeouts (Node 5 s, ALB 60 s,
   * nginx 75 s), so a request is rarely sent on a socket the server is closing.
   */
  agent: { maxSockets: 50, maxFreeSockets: 10, idleSocketTimeoutMs: 4_000 },
  /** Largest API response body read by `ZumRailsHttpService`, after decompression (per-request `maxContentLength` overrides). */
  apiMaxContentLength: 10 * 1024 * 1024,
} as const;

/** The vendor's limits when the base URL is one of its environments; none otherwise. */
export function vendorRules(root: Resolved): readonly ZumRailsRateLimitRule[] {
  const environments = Object.keys(ZUMRAILS_ENVIRONMENTS) as ZumRailsEnvironment[];
  const environment = environments.find(
    (name) => root.environment === name || ZUMRAILS_ENVIRONMENTS[name] === root.baseUrl,
  );
  return environment === undefined ? [] : VENDOR_RATE_LIMITS[environment];
}

/**
 * How an invalid option value is shown in a `ZumRailsConfigError` (and so in the startup log).
 * A value that is the password, or contains a password long enough to tell (two environment
 * variables swapped), is never echoed; strings show at most their first two characters and
 * their length, none when a short password occurs in them; numbers and booleans show as they
 * are; anything else shows its type.
 */
export function describeValue(value: unknown, password: unknown): string {
  if (holdsPassword(value, password)) {
    return 'the value of the password option (are two settings swapped?)';
  }
  if (typeof value === 'string') {
    const hidden = typeof password === 'string' && password !== '' && value.includes(password);
    return hidden ? `a string of ${value.length} characters` : maskedPreview(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
}

/**
 * Whether `value`, as a string, is the password, or contains it when it is long enough
 * ({@link NET_MIN_LENGTH}) for that to mean swapped settings: a URL merely containing a
 * one-letter password is not "the value of the password".
 */
export function holdsPassword(value: unknown, password: unknown): boolean {
  if (typeof password !== 'string' || password === '') return false;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') {
    return false;
  }
  const text = String(value);
  return (
    text.trim() === password.trim() ||
    (password.length >= NET_MIN_LENGTH && text.includes(password))
  );
}

/** `'sa…' (7 characters)`: enough to recognise a typo, too little to leak a secret. */
function maskedPreview(text: string): string {
  if (text === '') return 'an empty string';
  const head = [...text].slice(0, text.length > 4 ? 2 : 0).join('');
  return `'${head}…' (${text.length} characters)`;
}

/** Shorter passwords are caught by exact comparison only (the net would garble every text). */
const NET_MIN_LENGTH = 6;

/**
 * The last line of defence: a config error whose message or stack still holds the password
 * (in any form) gets it redacted there, whatever the check that produced it.
 */
export function withoutPassword(error: unknown, password: unknown): unknown {
  if (!(error instanceof ZumRailsConfigError) || typeof password !== 'string') return error;
  if (password.length < NET_MIN_LENGTH) return error;
  const redaction = new Redaction([password]);
  if (redaction.matches(error.message) || redaction.matches(error.stack ?? '')) {
    error.message = redaction.text(error.message);
    if (error.stack) error.stack = redaction.text(error.stack);
  }
  return error;
}

/** `deduplicate` after validation and defaults. */
export interface ResolvedDeduplicateOptions {
  readonly store: NonNullable<ZumRailsAuthOptions['store']>;
  readonly ttlMs: number;
  readonly claimTtlMs: number;
  readonly storeTimeoutMs: number;
  readonly namespace: string;
}

/** The options as logs and `JSON.stringify` show them: no password, proxy password or store key. */
export function optionsView(options: ResolvedZumRailsAuthOptions): Record<string, unknown> {
  const { transport, sharing } = options;
  const typeOf = (value: object | undefined) => value?.constructor.name;
  return {
    ...options,
    password: REDACTED,
    // The proxy's credentials show their username only (see the proxy check).
    transport: {
      ...transport,
      httpAgent: typeOf(transport.httpAgent),
      httpsAgent: typeOf(transport.httpsAgent),
    },
    sharing: sharing && {
      store: typeOf(sharing.store),
      timeoutMs: sharing.timeoutMs,
      encryptionKey: sharing.encryptionKey && REDACTED,
    },
  };
}
