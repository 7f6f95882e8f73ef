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
