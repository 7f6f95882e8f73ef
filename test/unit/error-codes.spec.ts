import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import {
  ZUMRAILS_ERROR_CODES,
  renderErrorCodeTable,
} from '../../lib/errors/zumrails-error-codes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const START = '<!-- error-codes:start -->';
const END = '<!-- error-codes:end -->';

/** README.md and every docs/*.md page that holds the markers. */
function pagesWithTable(): { page: string; text: string }[] {
  const docs = existsSync(`${ROOT}docs`)
    ? readdirSync(`${ROOT}docs`)
        .filter((name) => name.endsWith('.md'))
        .map((name) => `docs/${name}`)
    : [];
  return ['README.md', ...docs]
    .map((page) => ({ page, text: readFileSync(`${ROOT}${page}`, 'utf8') }))
    .filter(({ text }) => text.includes(START));
}

/** The table's rows as trimmed cells: Prettier's column alignment does not count. */
function rowsOf(markdown: string): string[][] {
  return markdown
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|') && !/^\|[\s|:-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/\s+/g, ' ')),
    );
}

describe('the error-code table of the docs', () => {
  it('is in the README or a docs page, between the markers', () => {
    expect(pagesWithTable().map(({ page }) => page)).not.toEqual([]);
  });

  it('equals the table rendered from ZUMRAILS_ERROR_CODES (one row per code)', () => {
    const expected = renderErrorCodeTable();
    expect(rowsOf(expected)).toHaveLength(Object.keys(ZUMRAILS_ERROR_CODES).length + 1);
    for (const { page, text } of pagesWithTable()) {
      const from = text.indexOf(START) + START.length;
      const to = text.indexOf(END, from);
      expect(to).toBeGreaterThan(from);
      const shown = text.slice(from, to);
      if (JSON.stringify(rowsOf(shown)) !== JSON.stringify(rowsOf(expected))) {
        throw new Error(
          `${page}: the error-code table differs from ZUMRAILS_ERROR_CODES ` +
            `(lib/errors/zumrails-error-codes.ts). Put this between the markers:\n\n${START}\n\n${expected}\n\n${END}\n`,
        );
      }
    }
  });
});
