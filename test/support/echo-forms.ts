/**
 * How a hostile or careless server may write a secret it echoes back, for secrecy tests.
 */

/** The way ASP.NET's serializer escapes: `+ " < > & '` and every non-ASCII unit as `\uXXXX`. */
export function aspNetEscaped(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const char = text[i] as string;
    if (char === '\\') out += '\\\\';
    else if (unit < 0x20 || unit > 0x7e || `+"<>&'`.includes(char)) out += `\\u${hex4(unit)}`;
    else out += char;
  }
  return out;
}

/** Every UTF-16 unit as `\uxxxx` (lower case). */
export function fullyEscaped(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += `\\u${hex4(text.charCodeAt(i)).toLowerCase()}`;
  return out;
}

/** The JSON text of a string without its quotes, as `JSON.stringify` writes it. */
export function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** URL-encoded (`%XX` per UTF-8 byte). */
export function urlEncoded(text: string): string {
  return encodeURIComponent(text);
}

/** Every UTF-8 byte as `%XX`, upper-case hex, letters and digits included. */
export function percentEncodedAll(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

/** URL-encoded twice (`%` itself becomes `%25`), as a proxy re-encoding a query does. */
export function doubleEncoded(text: string): string {
  return encodeURIComponent(encodeURIComponent(text));
}

/** Base64 of the UTF-8 bytes. */
export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** HTML-escaped the way a proxy's error page might quote a request back. */
export function htmlEscaped(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function hex4(unit: number): string {
  return unit.toString(16).toUpperCase().padStart(4, '0');
}

/** A JSON error envelope as raw text whose `message` is `messageJson` (already JSON-escaped). */
export function rawEnvelope(status: number, messageJson: string, exception = messageJson): string {
  return (
    `{"statusCode":${status},"message":"${messageJson}","isError":true,"result":null,` +
    `"responseException":{"exceptionMessage":"${exception}"}}`
  );
}

/** A small seeded PRNG (mulberry32), so a failing random case reproduces. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PUNCTUATION = [...`!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~ `];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
const NON_ASCII = [...'éßüñøÅЖж中文‽—«»€£¥'];
const EMOJI = ['😀', '🔑', '👩‍💻', '🇨🇦'];

/**
 * A random password of 10 to 24 characters mixing letters, ASCII punctuation (quotes and
 * backslashes included), non-ASCII letters and emoji; at least one of each kind.
 */
export function randomPassword(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const pools = [LETTERS, PUNCTUATION, NON_ASCII, EMOJI];
  const parts = [pick(LETTERS), pick(PUNCTUATION), pick(NON_ASCII), pick(EMOJI), '"', '\\'];
  const length = 10 + Math.floor(random() * 15);
  while (parts.length < length) parts.push(pick(pick(pools)));
  for (let i = parts.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [parts[i], parts[j]] = [parts[j] as string, parts[i] as string];
  }
  return parts.join('');
}
