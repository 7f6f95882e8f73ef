import { inspect } from 'node:util';
import { secretPatternSource } from './secret-pattern.js';

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
 * It is used on error paths only: the pattern is compiled on first use after a change, never
 * on a successful request. Secrets are kept in private fields, and `util.inspect` /
 * `JSON.stringify` of the redactor show slot names only.
 */
export class SecretRedactor {
  readonly #slots = new Map<string, readonly string[]>();
  #cached?: { key: string; redaction: Redaction };

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

  /**
   * A redaction of every known secret plus `extra` ones (say, the token a request carried).
   * Compiled once per set of secrets; cheap to call again with the same secrets.
   */
  with(extra: readonly (string | undefined)[] = []): Redaction {
    const secrets = new Set<string>();
    for (const values of this.#slots.values()) for (const value of values) secrets.add(value);
    for (const value of extra) if (value) secrets.add(value);
    const key = [...secrets].join('\u0000');
    if (this.#cached?.key !== key) this.#cached = { key, redaction: new Redaction(secrets) };
    return this.#cached.redaction;
  }

  /** Slot names only. */
  toJSON(): { slots: string[] } {
    return { slots: [...this.#slots.keys()] };
  }

  [inspect.custom](): string {
    return `SecretRedactor { slots: [${[...this.#slots.keys()].join(', ')}] }`;
  }
}

/** Applies one compiled set of secrets to texts and parsed structures. */
export class Redaction {
  readonly #pattern?: RegExp;

  constructor(secrets: Iterable<string>) {
    // Longest first, so a secret containing another one is redacted whole.
    const sources = [...secrets]
      .filter((secret) => secret !== '')
      .sort((a, b) => b.length - a.length)
      .map(secretPatternSource);
    if (sources.length > 0) this.#pattern = new RegExp(sources.join('|'), 'g');
  }

  /** `text` with every form of every secret replaced by `[REDACTED]`. */
  text(text: string): string {
    return this.#pattern ? text.replace(this.#pattern, REDACTED) : text;
  }

  /** Whether `text` holds any form of a secret. */
  matches(text: string): boolean {
    if (!this.#pattern) return false;
    this.#pattern.lastIndex = 0;
    return this.#pattern.test(text);
  }

  /**
   * A copy of parsed data (strings, arrays, plain objects, byte buffers) with every string and
   * key redacted; other values are returned as they are. Beyond 16 levels or 5000 values the
   * rest is replaced by `[TRUNCATED]` rather than passed on unchecked.
   */
  value<T>(input: T): T {
    if (!this.#pattern) return input;
    const budget = { nodes: MAX_NODES };
    return this.walk(input, 0, budget) as T;
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

/** A redaction that knows no secret (no module in reach): returns everything unchanged. */
export const NO_SECRETS = new Redaction([]);
