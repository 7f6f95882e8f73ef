import { AUTH_OPTIONS } from './option-table.js';
import type { OptionSpec, OptionTable } from './option-spec.js';

/** An option key the module does not know, with the known key it most likely meant. */
interface UnknownOption {
  /** The path as written, e.g. `refreshLeadTime` or `loginRetry.maxDelay`. */
  readonly key: string;
  readonly suggestion?: string;
}

/**
 * The keys of `options` (top level and settings objects, by the option table) that no option
 * has. Only own keys are read, never values: nothing secret can reach the warning.
 */
export function findUnknownOptions(
  options: unknown,
  table: OptionTable<object> = AUTH_OPTIONS,
  prefix = '',
): UnknownOption[] {
  if (!isPlainObject(options)) return [];
  const names = Object.keys(table);
  const found: UnknownOption[] = [];
  for (const [key, value] of Object.entries(options)) {
    const spec = (table as Record<string, OptionSpec>)[key];
    if (spec === undefined) {
      const match = closestMatch(key, names);
      found.push(
        match === undefined
          ? { key: prefix + key }
          : { key: prefix + key, suggestion: prefix + match },
      );
      continue;
    }
    const fields =
      spec.aliasOf === undefined
        ? spec.fields
        : (table as Record<string, OptionSpec>)[spec.aliasOf]!.fields;
    if (fields) found.push(...findUnknownOptions(value, fields, `${prefix}${key}.`));
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The candidate nearest to `word` (case-insensitive edit distance), when it is near enough to
 * be a plausible typo: at most a third of the word's length (rounded), never fewer than 2
 * edits allowed (`retyr` → `retry`, `maxRetry` → `maxRetries`). Only when no candidate is that
 * near does a prefix relation count (`refreshLeadTime` → `refreshLeadTimeMs`), so a longer name
 * that merely starts the same (`maxRetryAfterMs`) never wins over a nearer one. Callers pass
 * the names of one level only: a nested key is never matched against top-level names.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const allowed = Math.max(2, Math.round(word.length / 3));
  let near: Match | undefined;
  let prefixed: Match | undefined;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const distance = editDistance(lower, other);
    if (distance <= allowed) near = nearer(near, { candidate, distance });
    else if (lower.length >= 4 && (other.startsWith(lower) || lower.startsWith(other))) {
      prefixed = nearer(prefixed, { candidate, distance });
    }
  }
  return (near ?? prefixed)?.candidate;
}

interface Match {
  readonly candidate: string;
  readonly distance: number;
}

function nearer(best: Match | undefined, match: Match): Match {
  return best === undefined || match.distance < best.distance ? match : best;
}

/** Levenshtein distance: insertions, deletions and substitutions, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * The docs' configuration table (markdown, one row per option: type, default, one-line doc):
 * top-level options only, or every nested one too (`full`). It fills the sections between
 * `<!-- options-table:start -->` (`<!-- options-table:start full -->`) and
 * `<!-- options-table:end -->`. Not formatted: Prettier aligns the columns.
 */
export function renderOptionsTable(
  full = false,
  table: OptionTable<object> = AUTH_OPTIONS,
): string {
  const rows = optionRows(table, '', full).map((cells) => `| ${cells.join(' | ')} |`);
  return ['| option | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function optionRows(table: OptionTable<object>, prefix: string, full: boolean): string[][] {
  return (Object.entries(table) as [string, OptionSpec][]).flatMap(([key, spec]) => {
    const row = [`\`${prefix}${key}\``, spec.type, defaultOf(spec), spec.doc];
    const nested = full && spec.fields ? optionRows(spec.fields, `${prefix}${key}.`, full) : [];
    return [row, ...nested];
  });
}

function defaultOf(spec: OptionSpec): string {
  if (spec.defaultDoc !== undefined) return spec.defaultDoc;
  if (spec.required) return 'required';
  if (spec.aliasOf !== undefined) return `see \`${spec.aliasOf}\``;
  if (spec.fields) return spec.optional ? 'none' : 'see its fields';
  if (spec.default === undefined) return 'none';
  const shown =
    typeof spec.default === 'string' ? `'${spec.default}'` : JSON.stringify(spec.default);
  const value = `\`${shown}\``;
  const minutes = typeof spec.default === 'number' ? spec.default / 60_000 : 0;
  if (!Number.isInteger(minutes) || minutes === 0) return value;
  return minutes % 60 === 0 ? `${value} (${minutes / 60} h)` : `${value} (${minutes} min)`;
}
