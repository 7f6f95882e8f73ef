/**
 * A rule's `path`, compiled once: lower-case segments, `*` for one segment, a final `*` for one
 * or more. Matching walks the request URL in place: no allocation, no regular expression.
 */
export interface PathPattern {
  readonly segments: readonly string[];
  /** The last segment is `*`: it matches one or more segments. */
  readonly tail: boolean;
}

const SLASH = 47;
const ABSOLUTE_URL = /^[a-z][a-z\d+\-.]*:\/\//i;
const MAX_PATTERN_LENGTH = 200;

/** The pattern of `path`, or why it is not one (for the option error). */
export function compilePathPattern(path: unknown): PathPattern | string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > MAX_PATTERN_LENGTH) {
    return `must be a path starting with / (at most ${MAX_PATTERN_LENGTH} characters), e.g. /api/transaction/*`;
  }
  const segments = path.slice(1).replace(/\/+$/, '').split('/');
  for (const segment of segments) {
    if (segment === '' || /[?#\s]/.test(segment)) {
      return 'must be segments separated by single slashes, without query, fragment or spaces';
    }
    if (segment !== '*' && segment.includes('*')) {
      return `uses * inside a segment ("${segment}"): * stands for a whole segment`;
    }
  }
  return {
    segments: segments.map((segment) => segment.toLowerCase()),
    tail: segments.at(-1) === '*',
  };
}

/**
 * Where the path of a request URL starts: 0 for a relative URL, after the origin (and after the
 * base URL's own path, `basePath`) for an absolute one. -1 when an absolute URL has no path.
 */
export function pathStart(url: string, basePath: string): number {
  if (url.charCodeAt(0) === SLASH && url.charCodeAt(1) !== SLASH) return 0;
  if (!ABSOLUTE_URL.test(url) && !url.startsWith('//')) return 0;
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  if (slash === -1) return -1;
  return basePath !== '' && url.startsWith(basePath, slash) ? slash + basePath.length : slash;
}

/**
 * Whether the path of `url` from `start` (up to `?` or `#`; repeated and trailing slashes
 * ignored, letters compared without case) matches `pattern`. Allocates nothing.
 */
export function matchesPath(pattern: PathPattern, url: string, start: number): boolean {
  if (start < 0) return false;
  const end = pathEnd(url, start);
  const { segments, tail } = pattern;
  const last = segments.length - 1;
  let at = start;
  for (let index = 0; index <= last; index++) {
    while (at < end && url.charCodeAt(at) === SLASH) at++;
    if (at >= end) return false;
    let next = at;
    while (next < end && url.charCodeAt(next) !== SLASH) next++;
    const segment = segments[index]!;
    if (segment !== '*') {
      if (!sameSegment(segment, url, at, next)) return false;
    } else if (tail && index === last) return true;
    at = next;
  }
  while (at < end && url.charCodeAt(at) === SLASH) at++;
  return at >= end;
}

function pathEnd(url: string, start: number): number {
  for (let at = start; at < url.length; at++) {
    const code = url.charCodeAt(at);
    if (code === 63 || code === 35) return at; // ? #
  }
  return url.length;
}

/** `segment` (lower case) equals `url[from, to)` without case. */
function sameSegment(segment: string, url: string, from: number, to: number): boolean {
  if (to - from !== segment.length) return false;
  for (let offset = 0; offset < segment.length; offset++) {
    let code = url.charCodeAt(from + offset);
    if (code >= 65 && code <= 90) code += 32;
    if (code !== segment.charCodeAt(offset)) return false;
  }
  return true;
}
