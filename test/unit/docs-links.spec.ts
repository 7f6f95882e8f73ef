import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const root = fileURLToPath(new URL('../../', import.meta.url));
const docs = existsSync(`${root}docs`)
  ? readdirSync(`${root}docs`)
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`)
  : [];
/** What a package user reads: README.md and docs/ (CONTRIBUTING.md is for the repository). */
const PAGES = ['README.md', ...docs];
/** Places only the source repository has. */
const REPOSITORY_ONLY =
  /\b(sample-app\/|test\/(support|fleet|consumers)|scripts\/|bench\/|npm run (sample|bench|test:consumers))/;

/** GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces to `-`. */
function anchorsOf(page: string): Set<string> {
  const anchors = new Set<string>();
  const text = readFileSync(`${root}${page}`, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    let anchor = slug;
    for (let n = 1; anchors.has(anchor); n += 1) anchor = `${slug}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

describe("the user's docs", () => {
  it.each(PAGES)('%s links only to pages and anchors a package user has', (page) => {
    const text = readFileSync(`${root}${page}`, 'utf8');
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target!);
    const broken = targets.filter((target) => {
      if (/^https:\/\//.test(target)) return false;
      const [file, anchor] = target.split('#');
      // Relative to the page, as GitHub and npm resolve them; only README.md and docs/*.md ship.
      const linked = file === '' ? page : posix.join(posix.dirname(page), file!);
      if (!PAGES.includes(linked)) return true;
      return anchor !== undefined && !anchorsOf(linked).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it.each(PAGES)('%s sends no reader to files of the source repository', (page) => {
    const lines = readFileSync(`${root}${page}`, 'utf8').split('\n');
    // The README's own "Contributing" section is for readers of the source repository.
    let inContributing = false;
    const offending = lines
      .map((line, index) => `${page}:${index + 1}: ${line}`)
      .filter((_, index) => {
        if (lines[index]!.startsWith('## ')) inContributing = lines[index] === '## Contributing';
        return !inContributing;
      })
      .filter((line) => REPOSITORY_ONLY.test(line));
    expect(offending).toEqual([]);
  });

  it("README's Contributing section shows the repository's two commands", () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const contributing = readme.slice(readme.indexOf('\n## Contributing\n'));
    expect(contributing).toContain('npm ci && npm run sample');
    expect(contributing).toContain('npm ci && npm test');
  });
});
