import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import { compilePathPattern } from '../ratelimit/path-pattern.js';
import { DEFAULT_OPTIONS, VENDOR_RATE_LIMITS, ZUMRAILS_ENVIRONMENTS } from './defaults.js';
import { describeValue } from './describe-value.js';
import type {
  ResolvedRateLimits,
  ZumRailsEnvironment,
  ZumRailsRateLimitRule,
} from './zumrails-auth-options.interface.js';

const MAX_RULES = 50;
const MAX_LIMIT = 100_000;
const MIN_WINDOW_MS = 100;
const MAX_WINDOW_MS = 86_400_000;
const MAX_WAIT_MS = 3_600_000;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Validates `rateLimits` and applies its defaults: the vendor's documented limits for the two
 * Zum Rails base URLs, none for any other; rules given replace them; `false`: none.
 * @throws ZumRailsConfigError naming the field at fault, e.g. `rateLimits.rules[1].limit`.
 */
export function resolveRateLimits(
  value: unknown,
  baseUrl: string,
  password?: unknown,
): ResolvedRateLimits {
  const maxWaitMs = DEFAULT_OPTIONS.rateLimitMaxWaitMs;
  if (value === false) return { rules: [], maxWaitMs };
  if (value === undefined) return { rules: vendorRules(baseUrl), maxWaitMs };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ZumRailsConfigError(
      'rateLimits',
      'must be { rules: [{ path, methods?, limit, windowMs }], maxWaitMs? } or false',
    );
  }
  const { rules, maxWaitMs: wait } = value as { rules?: unknown; maxWaitMs?: unknown };
  return {
    rules: rules === undefined ? vendorRules(baseUrl) : resolveRules(rules, password),
    maxWaitMs:
      wait === undefined ? maxWaitMs : integer('rateLimits.maxWaitMs', wait, 0, MAX_WAIT_MS),
  };
}

/** The vendor's limits when `baseUrl` is one of its environments; none otherwise. */
function vendorRules(baseUrl: string): readonly ZumRailsRateLimitRule[] {
  const environments = Object.keys(ZUMRAILS_ENVIRONMENTS) as ZumRailsEnvironment[];
  const environment = environments.find((name) => ZUMRAILS_ENVIRONMENTS[name] === baseUrl);
  return environment === undefined ? [] : VENDOR_RATE_LIMITS[environment];
}

function resolveRules(rules: unknown, password: unknown): ZumRailsRateLimitRule[] {
  if (!Array.isArray(rules) || rules.length > MAX_RULES) {
    throw new ZumRailsConfigError(
      'rateLimits.rules',
      `must be an array of at most ${MAX_RULES} rules { path, methods?, limit, windowMs }`,
    );
  }
  return rules.map((rule: unknown, index) =>
    resolveRule(rule, `rateLimits.rules[${index}]`, password),
  );
}

function resolveRule(rule: unknown, field: string, password: unknown): ZumRailsRateLimitRule {
  if (rule === null || typeof rule !== 'object') {
    throw new ZumRailsConfigError(field, 'must be { path, methods?, limit, windowMs }');
  }
  const { path, methods, limit, windowMs } = rule as Record<string, unknown>;
  const pattern = compilePathPattern(path);
  if (typeof pattern === 'string') {
    throw new ZumRailsConfigError(
      `${field}.path`,
      `${pattern}; got ${describeValue(path, password)}`,
    );
  }
  const resolved: ZumRailsRateLimitRule = {
    path: path as string,
    limit: integer(`${field}.limit`, limit, 1, MAX_LIMIT),
    windowMs: integer(`${field}.windowMs`, windowMs, MIN_WINDOW_MS, MAX_WINDOW_MS),
  };
  if (methods !== undefined) resolved.methods = resolveMethods(`${field}.methods`, methods);
  return resolved;
}

function resolveMethods(field: string, methods: unknown): string[] {
  const valid =
    Array.isArray(methods) &&
    methods.length > 0 &&
    methods.every((method) => typeof method === 'string' && METHODS.has(method.toUpperCase()));
  if (!valid) {
    throw new ZumRailsConfigError(
      field,
      `must be a non-empty array of HTTP methods (${[...METHODS].join(', ')})`,
    );
  }
  return (methods as string[]).map((method) => method.toUpperCase());
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ZumRailsConfigError(
      field,
      `must be an integer from ${min} to ${max}, got ${describeValue(value, undefined)}`,
    );
  }
  return value;
}
