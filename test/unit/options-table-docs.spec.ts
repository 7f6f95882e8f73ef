import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { renderOptionsTable } from '../../lib/options/option-docs.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** `<!-- options-table:start -->`: top-level options; `... start full -->`: nested ones too. */
const SECTION = /<!-- options-table:start( full)? -->([\s\S]*?)<!-- options-table:end -->/g;
const START = '<!-- options-table:start';
const END = '<!-- options-table:end -->';
/** `npm run docs:tables` sets it: the marked sections are rewritten instead of compared. */
const WRITE = process.env.WRITE_DOCS_TABLES === '1';

/** Every markdown file of the repository outside dependencies and build output. */
function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const skip = ['node_modules', 'dist', 'coverage', '.git', 'test'].includes(entry.name);
      return skip || entry.name.startsWith('dist-') ? [] : markdownFiles(path);
    }
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** The table rows as trimmed cells, whatever the column padding (Prettier aligns them). */
function cellsOf(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/\s+/g, ' ')),
    )
    .filter((cells) => !cells.every((cell) => /^:?-+:?$/.test(cell)));
}

async function formatted(markdown: string, file: string): Promise<string> {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(markdown, { ...config, parser: 'markdown' });
}

const files = markdownFiles(ROOT).filter((file) => readFileSync(file, 'utf8').includes(START));

describe('the configuration tables of the docs', () => {
  it('are in the README at least', () => {
    expect(files.map((file) => relative(ROOT, file))).toContain('README.md');
  });

  it.each(files.map((file) => [relative(ROOT, file), file]))(
    '%s: the marked table is the option table, rendered',
    async (_, file) => {
      const text = readFileSync(file, 'utf8');
      expect(text.split(START).length - 1).toBe([...text.matchAll(SECTION)].length);
      if (WRITE) {
        let rewritten = text;
        for (const [section, full] of text.matchAll(SECTION)) {
          const table = (await formatted(renderOptionsTable(full !== undefined), file)).trimEnd();
          const marker = `<!-- options-table:start${full ?? ''} -->`;
          rewritten = rewritten.replace(section, `${marker}\n\n${table}\n\n${END}`);
        }
        writeFileSync(file, await formatted(rewritten, file));
        return;
      }
      for (const [, full, shown] of text.matchAll(SECTION)) {
        const expected = renderOptionsTable(full !== undefined);
        if (JSON.stringify(cellsOf(shown!)) !== JSON.stringify(cellsOf(expected))) {
          throw new Error(
            `${relative(ROOT, file)}: the options table${full ?? ''} differs from the option table ` +
              `(lib/options/option-table.ts). Run \`npm run docs:tables\`, or paste:\n\n${expected}\n`,
          );
        }
      }
    },
  );

  it('has one row per top-level option, and per nested option too in the full table', () => {
    const top = cellsOf(renderOptionsTable()).map(([path]) => path);
    expect(top).toContain('`apiRetry`');
    expect(top.filter((path) => path!.includes('.'))).toEqual([]);
    const paths = cellsOf(renderOptionsTable(true)).map(([path]) => path);
    expect(paths.slice(0, 2)).toEqual(['option', '`environment`']);
    expect(paths).toEqual(
      expect.arrayContaining([
        '`loginRetry.maxDelayMs`',
        '`retry`',
        '`apiRetry.maxRetryAfterMs`',
        '`rateLimits.rules`',
        '`transport.proxy`',
        '`deduplicate.claimTtlMs`',
      ]),
    );
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('shows defaults from the declaration, with durations a person can read', () => {
    const rows = new Map(cellsOf(renderOptionsTable(true)).map((cells) => [cells[0], cells]));
    expect(rows.get('`refreshLeadTimeMs`')?.[2]).toBe('`300000` (5 min)');
    expect(rows.get('`deduplicate.ttlMs`')?.[2]).toBe('`259200000` (72 h)');
    expect(rows.get('`username`')?.[2]).toBe('required');
    expect(rows.get('`startup`')?.[2]).toBe("`'background'`");
    expect(rows.get('`revokeOnShutdown`')?.[2]).toBe('`true` (`false` with a `store`)');
  });
});
