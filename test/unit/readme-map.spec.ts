import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every file of lib/ outside lib/testing, relative to lib/, as the tree is now. */
function libFiles(): string[] {
  return readdirSync(`${root}lib`, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath}/${entry.name}`.slice(`${root}lib/`.length))
    .filter((path) => !path.startsWith('testing/'))
    .sort();
}

/** The files of README's "How it works": the first code span of each list item (nested ones too). */
function mappedFiles(): string[] {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const start = readme.indexOf('\n## How it works\n');
  expect(start).toBeGreaterThan(-1);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/^\s*- `([^`]+)`/gm)].map(([, path]) => path!).sort();
}

describe('README "How it works"', () => {
  it('maps every file of lib/ (outside testing/) in one line, and only files that exist', () => {
    const files = libFiles();
    const mapped = mappedFiles();
    expect(files.length).toBeGreaterThan(10);
    expect({
      missing: files.filter((path) => !mapped.includes(path)),
      gone: mapped.filter((path) => !files.includes(path)),
      twice: mapped.filter((path, index) => mapped.indexOf(path) !== index),
    }).toEqual({ missing: [], gone: [], twice: [] });
  });
});
