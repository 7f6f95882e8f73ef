/**
 * Decoded views of a text, so a secret a server echoed back encoded is found by a plain search:
 * JSON escapes (`\"`, `\\`, `\/`, `\n`..., and `\uXXXX` for any unit, the way ASP.NET writes
 * `+` as `\u002B`), URL encoding (`%XX` UTF-8 sequences, and `+` for a space in a second view)
 * and HTML character references (`&#43;`, `&#x2B;`, `&quot;`) are decoded wherever they occur,
 * so mixed encodings decode too. Each decoded UTF-16 unit remembers the range of the original
 * text it came from, so a match can be replaced there. Linear in the text; no pattern to build.
 */
interface DecodedView {
  readonly text: string;
  /** Per unit of `text`: start (inclusive) and end (exclusive) in the original text. */
  readonly from: Int32Array;
  readonly to: Int32Array;
}

/** Only text holding one of these can hold an encoded form. */
const MARKERS = /[\\%&+]/;

/** Encodings layered deeper than this (`%252541`...) are not unwrapped. */
const MAX_LAYERS = 3;

/**
 * The views worth searching besides the raw text itself (none when nothing is encoded). A view
 * that still holds an escape is decoded again, up to {@link MAX_LAYERS} layers, so a secret
 * encoded twice (`%2541` for `A`, `\u0025` for `%`) is found too.
 */
export function decodedViews(text: string): DecodedView[] {
  if (!MARKERS.test(text)) return [];
  const views: DecodedView[] = [];
  let view = decode(text, false);
  views.push(view);
  for (let layer = 1; layer < MAX_LAYERS && MARKERS.test(view.text); layer++) {
    const next = decode(view.text, false);
    if (next.text === view.text) break;
    view = throughBoth(view, next);
    views.push(view);
  }
  if (text.includes('+')) views.push(decode(text, true));
  return views;
}

/** `inner` (a decoding of `outer.text`) with its ranges mapped back to the original text. */
function throughBoth(outer: DecodedView, inner: DecodedView): DecodedView {
  return {
    text: inner.text,
    from: inner.from.map((start) => outer.from[start]!),
    to: inner.to.map((end) => outer.to[end - 1]!),
  };
}

interface Step {
  readonly units: readonly number[];
  readonly end: number;
}

const SHORT_ESCAPES: Readonly<Record<string, number>> = {
  '"': 0x22,
  '\\': 0x5c,
  '/': 0x2f,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
};
const NAMED_REFERENCES: Readonly<Record<string, number>> = {
  quot: 0x22,
  amp: 0x26,
  apos: 0x27,
  lt: 0x3c,
  gt: 0x3e,
};
const UNICODE_ESCAPE = /\\u([0-9a-fA-F]{4})/y;
const PERCENT = /%([0-9a-fA-F]{2})/y;
const HTML_REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(quot|amp|apos|lt|gt));/y;

function decode(text: string, plusIsSpace: boolean): DecodedView {
  const units: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < text.length;) {
    const step = stepAt(text, i) ?? {
      units: [plusIsSpace && text[i] === '+' ? 0x20 : text.charCodeAt(i)],
      end: i + 1,
    };
    for (const unit of step.units) {
      units.push(unit);
      from.push(i);
      to.push(step.end);
    }
    i = step.end;
  }
  let decoded = '';
  for (let i = 0; i < units.length; i += 4096) {
    decoded += String.fromCharCode(...units.slice(i, i + 4096));
  }
  return { text: decoded, from: Int32Array.from(from), to: Int32Array.from(to) };
}

function stepAt(text: string, i: number): Step | undefined {
  const char = text[i];
  if (char === '\\') return jsonEscape(text, i);
  if (char === '%') return percentSequence(text, i);
  if (char === '&') return htmlReference(text, i);
  return undefined;
}

function jsonEscape(text: string, i: number): Step | undefined {
  const short = SHORT_ESCAPES[text[i + 1] ?? ''];
  if (short !== undefined) return { units: [short], end: i + 2 };
  const match = sticky(UNICODE_ESCAPE, text, i);
  return match ? { units: [parseInt(match[1] as string, 16)], end: i + 6 } : undefined;
}

/** One UTF-8 encoded code point as `%XX` bytes; undefined when not valid UTF-8. */
function percentSequence(text: string, i: number): Step | undefined {
  const lead = byteAt(text, i);
  if (lead === undefined) return undefined;
  if (lead < 0x80) return { units: [lead], end: i + 3 };
  const extra = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  if (extra === 0 || lead > 0xf4) return undefined;
  let codePoint = lead & (0x3f >> extra);
  for (let k = 1; k <= extra; k++) {
    const next = byteAt(text, i + 3 * k);
    if (next === undefined || (next & 0xc0) !== 0x80) return undefined;
    codePoint = (codePoint << 6) | (next & 0x3f);
  }
  return { units: utf16(codePoint), end: i + 3 * (extra + 1) };
}

function htmlReference(text: string, i: number): Step | undefined {
  const match = sticky(HTML_REFERENCE, text, i);
  if (!match) return undefined;
  const [whole, decimal, hex, name] = match;
  const codePoint =
    decimal !== undefined
      ? Number(decimal)
      : hex !== undefined
        ? parseInt(hex, 16)
        : (NAMED_REFERENCES[name as string] as number);
  if (codePoint > 0x10ffff) return undefined;
  return { units: utf16(codePoint), end: i + whole.length };
}

function byteAt(text: string, i: number): number | undefined {
  const match = sticky(PERCENT, text, i);
  return match ? parseInt(match[1] as string, 16) : undefined;
}

function sticky(pattern: RegExp, text: string, i: number): RegExpExecArray | null {
  pattern.lastIndex = i;
  return pattern.exec(text);
}

function utf16(codePoint: number): number[] {
  if (codePoint <= 0xffff) return [codePoint];
  const offset = codePoint - 0x10000;
  return [0xd800 + (offset >> 10), 0xdc00 + (offset & 0x3ff)];
}
