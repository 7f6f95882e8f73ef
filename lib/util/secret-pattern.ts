/**
 * Regular-expression source matching a secret in every form a server may echo it back in:
 * raw, JSON-escaped (`\"`, `\\`, `\/`, `\n`..., and `\uXXXX` for any character, the way
 * ASP.NET writes `+` as `\u002B`), URL-encoded (`%XX` per UTF-8 byte, `+` for a space) and
 * HTML character references (`&#43;`, `&#x2B;`, `&quot;`). Each character may take any of its
 * forms independently, so mixed encodings match too. Hex digits match in either case.
 */
export function secretPatternSource(secret: string): string {
  // Absurdly long secrets (a huge token from a hostile server) get their raw form only, so the
  // pattern stays small; every realistic secret is far below this.
  if (secret.length > MAX_ENCODED_SECRET_LENGTH) return escapeRegExp(secret);
  let source = '';
  for (const char of secret) source += `(?:${charForms(char).join('|')})`;
  return source;
}

const MAX_ENCODED_SECRET_LENGTH = 4_096;

const SHORT_JSON_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

const NAMED_HTML_REFERENCES: Readonly<Record<string, string>> = {
  '"': '&quot;',
  '&': '&amp;',
  "'": '&(?:apos|#39);',
  '<': '&lt;',
  '>': '&gt;',
};

/** Every alternative for one code point, as regular-expression sources. */
function charForms(char: string): string[] {
  const forms = [escapeRegExp(char), jsonUnicodeEscape(char), urlEncoded(char)];
  const short = SHORT_JSON_ESCAPES[char];
  if (short) forms.push(escapeRegExp(short));
  if (char === ' ') forms.push('\\+');
  const codePoint = char.codePointAt(0) as number;
  forms.push(`&#0*${codePoint};`, `&#[xX]0*${anyCaseHex(codePoint.toString(16))};`);
  const named = NAMED_HTML_REFERENCES[char];
  if (named) forms.push(named);
  return forms;
}

/** `\uXXXX` (a surrogate pair beyond the BMP), as JSON.stringify or ASP.NET would write it. */
function jsonUnicodeEscape(char: string): string {
  let source = '';
  for (let i = 0; i < char.length; i++) {
    const unit = char.charCodeAt(i).toString(16).padStart(4, '0');
    source += `\\\\u${anyCaseHex(unit)}`;
  }
  return source;
}

function urlEncoded(char: string): string {
  let source = '';
  for (const byte of Buffer.from(char, 'utf8')) {
    source += `%${anyCaseHex(byte.toString(16).padStart(2, '0'))}`;
  }
  return source;
}

/** Hex digits with letters matching either case (`2b` → `2[bB]`). */
function anyCaseHex(hex: string): string {
  return hex.replace(/[a-f]/gi, (d) => `[${d.toLowerCase()}${d.toUpperCase()}]`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
