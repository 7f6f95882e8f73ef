import { inspect } from 'node:util';
import { decodedViews } from './encoded-views.js';

/** What replaces a secret in any text the library lets out. */
export const REDACTED = '[REDACTED]';
/** What replaces a part of a structure beyond the walk's budget (never passed on unchecked). */
export const TRUNCATED = '[TRUNCATED]';

/** Nesting levels and values visited by one {@link Redaction.value} walk. */
const MAX_DEPTH = 16;
const MAX_NODES = 5_000;

/**
 * One module's secrets, in named slots so each owner replaces only its own: `password` (set
 * from the options), `tokens` (the current and previous bearer, kept by `TokenService`), and
 * whatever later features add (`proxy` credentials, a `webhook` secret) with {@link set}.
 *
 * It is used on error paths only (and once per login for the session fields), never on a
 * successful API request. Secrets are kept in private fields, and `util.inspect` /
 * `JSON.stringify` of the redactor show slot names only.
 */
export class SecretRedactor {
  readonly #slots = new Map<string, readonly string[]>();

  /** Replaces the secrets of `slot`; empty and undefined values are ignored. */
  set(slot: string, values: readonly (string | undefined)[]): void {
    const kept = values.filter((value): value is string => typeof value === 'string' && !!value);
    if (kept.length === 0) this.#slots.delete(slot);
    else this.#slots.set(slot, kept);
  }

  /** Makes `token` the current bearer; the one it replaces stays known as the previous one. */
  rememberToken(token: string): void {
    const [current] = this.#slots.get('tokens') ?? [];
    if (token !== current) this.set('tokens', [token, current]);
  }

  /** A redaction of every known secret plus `extra` ones (say, the token a request carried). */
  with(extra: readonly (string | undefined)[] = []): Redaction {
    const secrets: string[] = [];
    for (const values of this.#slots.values()) secrets.push(...values);
    for (const value of extra) if (value) secrets.push(value);
    return new Redaction(secrets);
  }

  /** Slot names only. */
  toJSON(): { slots: string[] } {
    return { slots: [...this.#slots.keys()] };
  }

  [inspect.custom](): string {
    return `SecretRedactor { slots: [${[...this.#slots.keys()].join(', ')}] }`;
  }
}

/**
 * Applies one set of secrets to texts and parsed structures: a plain search in the text, and in
 * its decoded views when it holds an escape (see `decodedViews`). Every match is replaced in
 * the original text, whatever form it had there.
 */
export class Redaction {
  readonly #secrets: readonly string[];

  constructor(secrets: Iterable<string>) {
    this.#secrets = [...new Set(secrets)].filter((secret) => secret !== '');
  }

  /** `text` with every form of every secret replaced by `[REDACTED]`. */
  text(text: string): string {
    const ranges = this.rangesIn(text);
    if (ranges.length === 0) return text;
    let out = '';
    let last = 0;
    for (const [start, end] of ranges) {
      out += text.slice(last, start) + REDACTED;
      last = end;
    }
    return out + text.slice(last);
  }

  /** Whether `text` holds any form of a secret. */
  matches(text: string): boolean {
    return this.rangesIn(text).length > 0;
  }

  /**
   * A copy of parsed data (strings, arrays, plain objects, byte buffers) with every string and
   * key redacted; other values are returned as they are. Beyond 16 levels or 5000 values the
   * rest is replaced by `[TRUNCATED]` rather than passed on unchecked.
   */
  value<T>(input: T): T {
    if (this.#secrets.length === 0) return input;
    const budget = { nodes: MAX_NODES };
    return this.walk(input, 0, budget) as T;
  }

  /** Where the secrets are in `text`: sorted, merged [start, end) ranges. */
  private rangesIn(text: string): [number, number][] {
    if (this.#secrets.length === 0 || text === '') return [];
    const found: [number, number][] = [];
    const views = [{ text, from: undefined, to: undefined }, ...decodedViews(text)];
    for (const view of views) {
      for (const secret of this.#secrets) {
        for (let at = view.text.indexOf(secret); at >= 0; at = view.text.indexOf(secret, at + 1)) {
          const last = at + secret.length - 1;
          found.push(view.from ? [view.from[at]!, view.to![last]!] : [at, last + 1]);
        }
      }
    }
    return merge(found);
  }

  private walk(input: unknown, depth: number, budget: { nodes: number }): unknown {
    if (input === null || (typeof input !== 'object' && typeof input !== 'string')) return input;
    if (depth > MAX_DEPTH || --budget.nodes < 0) return TRUNCATED;
    if (typeof input === 'string') return this.text(input);
    if (Array.isArray(input)) return input.map((item) => this.walk(item, depth + 1, budget));
    if (input instanceof Uint8Array) return this.bytes(input);
    const prototype = Object.getPrototypeOf(input) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return input;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(input)) {
      copy[this.text(key)] = this.walk(item, depth + 1, budget);
    }
    return copy;
  }

  private bytes(input: Uint8Array): Uint8Array {
    const text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    return this.matches(text) ? Buffer.from(this.text(text), 'utf8') : input;
  }
}

function merge(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const range of ranges) {
    const top = merged[merged.length - 1];
    if (top && range[0] <= top[1]) top[1] = Math.max(top[1], range[1]);
    else merged.push(range);
  }
  return merged;
}
