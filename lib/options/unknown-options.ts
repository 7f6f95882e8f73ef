import { KNOWN_NESTED_OPTIONS, KNOWN_OPTIONS } from './known-options.js';
import { closestMatch } from '../util/closest-match.js';

/** An option key the module does not know, with the known key it most likely meant. */
interface UnknownOption {
  /** The path as written, e.g. `refreshLeadTime` or `retry.maxDelay`. */
  readonly key: string;
  readonly suggestion?: string;
}

/**
 * The keys of `options` (top level and known nested settings objects) that no option has.
 * Only own keys are read, never values: nothing secret can reach the warning.
 */
export function findUnknownOptions(options: unknown): UnknownOption[] {
  if (!isPlainObject(options)) return [];
  const found = unknownKeys(options, KNOWN_OPTIONS, '');
  for (const [name, known] of Object.entries(KNOWN_NESTED_OPTIONS)) {
    const value = options[name];
    if (isPlainObject(value)) found.push(...unknownKeys(value, known, `${name}.`));
  }
  return found;
}

/** One line naming every unknown key: `unknown option refreshLeadTime: did you mean refreshLeadTimeMs?`. */
export function describeUnknownOptions(unknown: readonly UnknownOption[]): string {
  const parts = unknown.map(({ key, suggestion }) =>
    suggestion ? `${key}: did you mean ${suggestion}?` : key,
  );
  const noun = unknown.length === 1 ? 'option' : 'options';
  return `unknown ${noun} ${parts.join('; ')} (ignored)`;
}

function unknownKeys(value: object, known: object, prefix: string): UnknownOption[] {
  const names = Object.keys(known);
  return Object.keys(value)
    .filter((key) => !Object.hasOwn(known, key))
    .map((key) => {
      const match = closestMatch(key, names);
      return match === undefined
        ? { key: prefix + key }
        : { key: prefix + key, suggestion: prefix + match };
    });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
