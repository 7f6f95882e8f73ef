import axios from 'axios';
import { logRecord, type ZumRailsLogRecord } from '../logging/module-logger.js';
import { showOnly } from '../logging/module-logger.js';
import { DEFAULT_ACCOUNT } from './account-name.js';
import { fail } from './option-checks.js';
import { describeUnknownOptions, findUnknownOptions } from './option-docs.js';
import {
  describeValue,
  optionsView,
  ZUMRAILS_ENVIRONMENTS,
  type ResolvedDeduplicateOptions,
  withoutPassword,
  type At,
  type OptionSpec,
  type OptionTable,
} from './option-spec.js';
import { AUTH_OPTIONS, DEDUPLICATE, WEBHOOK_MODULE_OPTIONS } from './option-table.js';
import type {
  ResolvedZumRailsAuthOptions,
  ZumRailsApiRetryOptions,
  ZumRailsAuthOptions,
  ZumRailsEnvironment,
  ZumRailsLoginRetryOptions,
  ZumRailsTransportOptions,
} from './zumrails-auth-options.interface.js';

type Values = Record<string, unknown>;

/** The options resolved, and what to warn about at startup (unknown keys, deprecated names). */
export interface CheckedOptions {
  readonly options: ResolvedZumRailsAuthOptions;
  readonly warnings: readonly ZumRailsLogRecord[];
}

/**
 * Validates user options against the option table and applies defaults, once. Throws
 * `ZumRailsConfigError` naming the option path and the fix. The password is checked for
 * presence only and never echoed, nor is any value that contains it (two swapped settings).
 */
export function resolveOptions(
  options: ZumRailsAuthOptions | undefined,
  account: string = DEFAULT_ACCOUNT,
): ResolvedZumRailsAuthOptions {
  return checkOptions(options, account).options;
}

/** {@link resolveOptions}, with the warnings for the module's logger. */
export function checkOptions(
  options: ZumRailsAuthOptions | undefined,
  account: string = DEFAULT_ACCOUNT,
): CheckedOptions {
  try {
    return validate(options, account);
  } catch (error) {
    throw withoutPassword(error, options?.password);
  }
}

function validate(options: ZumRailsAuthOptions | undefined, account: string): CheckedOptions {
  assertOptionsObject(options);
  if (Object.hasOwn(options, 'name')) {
    fail(
      'name',
      'goes beside useFactory, forRootAsync({ name, useFactory }), not in the options it returns',
    );
  }
  const warnings: ZumRailsLogRecord[] = [];
  const unknown = findUnknownOptions(options);
  if (unknown.length > 0) {
    const keys = unknown.map(({ key }) => key).join(',');
    warnings.push(logRecord('unknown-options', describeUnknownOptions(unknown), { keys }));
  }
  const raw = options as unknown as Values;
  const values = resolveTable(AUTH_OPTIONS, raw, '', raw.password, undefined);
  if (raw.retry !== undefined) {
    warnings.push(
      logRecord(
        'option-deprecated',
        'option retry is deprecated: rename it loginRetry (same fields); retry goes in 2.0',
        { option: 'retry' },
      ),
    );
  }
  const resolved = shape(values, account);
  if (resolved.tokenWaitTimeoutMs < resolved.requestTimeoutMs) {
    fail(
      'tokenWaitTimeoutMs',
      `must be at least requestTimeoutMs (${resolved.requestTimeoutMs} ms), or callers give up before one login can finish`,
    );
  }
  checkProxyTunnel(resolved.transport, resolved.baseUrl);
  showOnly(resolved, 'ZumRailsAuthOptions', optionsView);
  return { options: resolved, warnings };
}

/** The resolved values in the shape the module reads (stable for every reader). */
function shape(values: Values, account: string): ResolvedZumRailsAuthOptions {
  const { environment, baseUrl, store, storeTimeoutMs, storeEncryptionKey } = values;
  if (environment !== undefined && baseUrl !== undefined) {
    fail('baseUrl', 'give either baseUrl or environment, not both');
  }
  if (environment === undefined && baseUrl === undefined) {
    fail('baseUrl', "missing: set environment ('sandbox' | 'production') or baseUrl");
  }
  const {
    environment: _environment,
    loginRetry,
    retry: _retry,
    logger: _logger,
    meterProvider: _meterProvider,
    webhookSecret: _webhookSecret,
    deduplicate: _deduplicate,
    ...plain
  } = values;
  delete plain.store;
  delete plain.storeTimeoutMs;
  delete plain.storeEncryptionKey;
  return {
    ...(plain as Omit<ResolvedZumRailsAuthOptions, 'account' | 'baseUrl' | 'retry' | 'sharing'>),
    account,
    baseUrl:
      (baseUrl as string | undefined) ?? ZUMRAILS_ENVIRONMENTS[environment as ZumRailsEnvironment],
    retry: loginRetry as Required<ZumRailsLoginRetryOptions>,
    sharing:
      store === undefined
        ? undefined
        : {
            store: store as NonNullable<ZumRailsAuthOptions['store']>,
            timeoutMs: storeTimeoutMs as number,
            encryptionKey: storeEncryptionKey as Buffer | undefined,
          },
  } as ResolvedZumRailsAuthOptions;
}

/**
 * Resolves the options of one level in table order: each given value checked, each absent one
 * defaulted (a computed default sees the options before it), a deprecated alias read for the
 * option it names. `root` is the top level's values (undefined while resolving it).
 */
function resolveTable(
  table: OptionTable<object>,
  raw: Values,
  prefix: string,
  password: unknown,
  root: Values | undefined,
): Values {
  const level: Values = {};
  const specs = Object.entries(table) as [string, OptionSpec][];
  for (const [key, spec] of specs) {
    if (spec.aliasOf !== undefined) continue;
    const alias = specs.find(([name, other]) => other.aliasOf === key && raw[name] !== undefined);
    if (alias !== undefined && raw[key] !== undefined) {
      fail(`${prefix}${alias[0]}`, `is the old name of ${key}: keep ${key} only`);
    }
    const name = alias?.[0] ?? key;
    const at: At = { path: `${prefix}${name}`, password };
    level[key] = resolveSpec(spec, raw[name], at, level, root ?? level);
  }
  return level;
}

function resolveSpec(
  spec: OptionSpec,
  value: unknown,
  at: At,
  level: Values,
  root: Values,
): unknown {
  if (value === undefined) {
    if (spec.required) return spec.check!(value, at);
    if (spec.fields && !spec.optional) return resolveGroup(spec, {}, at, root);
    return typeof spec.default === 'function'
      ? (spec.default as (level: Values, root: Values) => unknown)(level, root)
      : spec.default;
  }
  if (!spec.fields) return spec.check ? spec.check(value, at) : value;
  if (value === false && spec.off) return spec.off(resolveGroup(spec, {}, at, root));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const keys = Object.keys(spec.fields).map((key) => `${key}?`);
    const off = spec.off ? ' or false' : '';
    fail(
      at,
      `must be an object { ${keys.join(', ')} }${off}, got ${describeValue(value, at.password)}`,
    );
  }
  return resolveGroup(spec, value as Values, at, root);
}

function resolveGroup(spec: OptionSpec, raw: Values, at: At, root: Values): Values {
  const values = resolveTable(spec.fields!, raw, `${at.path}.`, at.password, root);
  for (const [low, high] of GROUP_ORDER) {
    const [min, max] = [values[low], values[high]];
    if (typeof min === 'number' && typeof max === 'number' && max < min) {
      fail(`${at.path}.${high}`, `must be at least ${at.path}.${low} (${min} ms)`);
    }
  }
  const storeTimeoutMs = values.storeTimeoutMs;
  if (
    spec.fields === DEDUPLICATE &&
    (storeTimeoutMs as number) > (values.claimTtlMs as number) / 3
  ) {
    fail(`${at.path}.storeTimeoutMs`, 'must be at most a third of claimTtlMs');
  }
  return values;
}

/** Pairs of one group where the second may not be below the first. */
const GROUP_ORDER = [
  ['initialDelayMs', 'maxDelayMs'],
  ['claimTtlMs', 'ttlMs'],
] as const;

/**
 * Validates `apiRetry` and applies its defaults; `false` gives `maxRetries: 0`.
 * @throws ZumRailsConfigError naming the field at fault.
 */
export function resolveApiRetry(
  value: ZumRailsApiRetryOptions | false | undefined,
): Required<ZumRailsApiRetryOptions> {
  return resolveSpec(
    AUTH_OPTIONS.apiRetry,
    value,
    { path: 'apiRetry', password: undefined },
    {},
    {},
  ) as Required<ZumRailsApiRetryOptions>;
}

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
  const at = { path: 'transport', password: undefined };
  const transport = resolveSpec(
    AUTH_OPTIONS.transport,
    value,
    at,
    {},
    {},
  ) as ZumRailsTransportOptions;
  checkProxyTunnel(transport, baseUrl, axiosVersion);
  return transport;
}

/** axios sends HTTPS requests to a proxy in clear before 1.16.1, without the agent's CA before 1.17. */
const MIN_AXIOS_FOR_HTTPS_PROXY = [1, 17, 0] as const;

function checkProxyTunnel(
  transport: ZumRailsTransportOptions,
  baseUrl: string,
  axiosVersion: string = axios.VERSION,
): void {
  if (!transport.proxy || !baseUrl.startsWith('https:')) return;
  if (atLeast(axiosVersion, MIN_AXIOS_FOR_HTTPS_PROXY)) return;
  fail(
    'transport.proxy',
    `needs axios >= ${MIN_AXIOS_FOR_HTTPS_PROXY.join('.')} for an https baseUrl (older versions do not tunnel HTTPS through the proxy safely); upgrade axios`,
  );
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

/**
 * Validates `deduplicate` (of `ZumRailsAuthModule`, or of `ZumRailsWebhookModule` under
 * `field`); `undefined` when the option is absent.
 * @throws ZumRailsConfigError naming `field.<key>`.
 */
export function resolveDeduplicateOptions(
  value: unknown,
  field: string,
  defaultNamespace: string,
): ResolvedDeduplicateOptions | undefined {
  const at = { path: field, password: undefined };
  const values = resolveSpec(AUTH_OPTIONS.deduplicate, value, at, {}, {}) as Values | undefined;
  if (values === undefined) return undefined;
  const namespace = values.namespace ?? DEDUPLICATE.namespace.check!(defaultNamespace, at);
  return { ...values, namespace } as unknown as ResolvedDeduplicateOptions;
}

/**
 * Validates `ZumRailsWebhookModule`'s options against its table (`deduplicate` is resolved by
 * its provider, with its namespace); the secrets, and a warning for keys no option has.
 * @throws ZumRailsConfigError naming `ZumRailsWebhookModule.<option>`.
 */
export function resolveWebhookModuleOptions(options: unknown): {
  readonly secrets: readonly string[];
  readonly warning: ZumRailsLogRecord | undefined;
} {
  const raw = (typeof options === 'object' && options !== null ? options : {}) as Values;
  const prefix = 'ZumRailsWebhookModule.';
  const values = resolveTable(WEBHOOK_MODULE_OPTIONS, raw, prefix, undefined, undefined);
  const unknown = findUnknownOptions(raw, WEBHOOK_MODULE_OPTIONS, prefix);
  const keys = unknown.map(({ key }) => key).join(',');
  const warning = unknown.length
    ? logRecord('unknown-options', describeUnknownOptions(unknown), { keys })
    : undefined;
  return { secrets: values.secret as readonly string[], warning };
}

/**
 * Refuses anything but an options object (e.g. `forRoot(undefined)`).
 * @throws ZumRailsConfigError naming `options`.
 */
export function assertOptionsObject(options: unknown): asserts options is ZumRailsAuthOptions {
  if (!options || typeof options !== 'object') {
    fail('options', 'ZumRailsAuthModule needs { baseUrl | environment, username, password }');
  }
}

/**
 * `store`, `storeTimeoutMs` and `storeEncryptionKey` resolved (with every other option);
 * undefined without a store (nothing is shared).
 */
export function resolveSharingOptions(
  options: ZumRailsAuthOptions,
): ResolvedZumRailsAuthOptions['sharing'] {
  return resolveOptions(options).sharing;
}
