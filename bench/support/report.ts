/** One line of the results table. */
export interface Row {
  scenario: string;
  figure: string;
  value: string;
  /** Human-readable target; absent for informative figures. */
  target?: string;
  pass?: boolean;
  /** A count target that fails the run (exit code 1); speed targets never do. */
  gate?: boolean;
}

/** What a scenario hands back: its table rows and its raw figures for results.json. */
export interface ScenarioResult {
  name: string;
  rows: Row[];
  figures: Record<string, unknown>;
}

export function row(
  scenario: string,
  figure: string,
  value: number | string,
  check?: { target: string; pass: boolean; gate?: boolean },
): Row {
  const text = typeof value === 'number' ? formatNumber(value) : value;
  return { scenario, figure, value: text, ...check };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 3);
}

function verdict(row: Row): string {
  if (row.pass === undefined) return '';
  const kind = row.gate ? '' : ' (speed)';
  return row.pass ? 'pass' : `MISS${kind}`;
}

/** A GitHub-flavoured Markdown table: readable on stdout and pasteable into the README. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['scenario', 'figure', 'value', 'target', 'result'];
  const cells = rows.map((r) => [r.scenario, r.figure, r.value, r.target ?? '', verdict(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}
