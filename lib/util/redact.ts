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
 * from the options), `tokens` (the current and previous bearer, kept by `ZumRailsTokenService`), and
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
 * its decoded views when it holds an escape (see `decodedViews`), for each secret and for its
 * Base64 forms. Every match is replaced in the original text, whatever form it had there.
 */
export class Redaction {
  readonly #secrets: readonly string[];
  /** What every Base64 (or base64url) text holding a secret contains, whatever precedes it. */
  readonly #base64: readonly string[];

  constructor(secrets: Iterable<string>) {
    this.#secrets = [...new Set(secrets)].filter((secret) => secret !== '');
    this.#base64 = [...new Set(this.#secrets.flatMap(base64Cores))];
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
      // A Base64 echo (a Basic header, an encoded body) goes whole: its edges carry bits too.
      for (const core of this.#base64) {
        for (let at = view.text.indexOf(core); at >= 0; at = view.text.indexOf(core, at + 1)) {
          const last = at + core.length - 1;
          const range: [number, number] = view.from
            ? [view.from[at]!, view.to![last]!]
            : [at, last + 1];
          found.push(wholeBase64Run(text, range));
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

/** Shorter cores (secrets of a few bytes) would match ordinary text by chance. */
const MIN_BASE64_CORE = 4;
const BASE64_CHAR = /[A-Za-z0-9+/=_-]/;

/**
 * For each of the 3 positions a secret's bytes can take in a Base64 text, the characters that
 * encode its bytes only, in standard and URL-safe alphabets: `user:password` encoded as a Basic
 * header contains the core of `password` at the position `user:` leaves it.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const first = Math.ceil((8 * shift) / 6);
    const end = Math.floor((8 * (shift + bytes.length)) / 6);
    const core = encoded.slice(first, end);
    if (core.length >= MIN_BASE64_CORE) {
      cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return cores;
}

/** `range` widened to the whole run of Base64 characters around it in `text`. */
function wholeBase64Run(text: string, [start, end]: [number, number]): [number, number] {
  while (start > 0 && BASE64_CHAR.test(text[start - 1]!)) start--;
  while (end < text.length && BASE64_CHAR.test(text[end]!)) end++;
  return [start, end];
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
