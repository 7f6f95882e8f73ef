import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

describe("the user's docs", () => {
  it.each(PAGES)('%s links only to pages and anchors a package user has', (page) => {
    const text = readFileSync(`${root}${page}`, 'utf8');
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target!);
    const broken = targets.filter(
      (target) =>
        !/^https:\/\//.test(target) &&
        !target.startsWith('#') &&
        !(target.startsWith('docs/') && existsSync(`${root}${target.split('#')[0]!}`)),
    );
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
