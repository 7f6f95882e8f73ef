// The README's "complete minimal app" and "testing your app" recipes, extracted verbatim: each
// fenced block right after a `<!-- readme-app: <path> -->` line is a file of that app. The
// consumers (test-consumers.js) write them into a copy of themselves and run the README's
// `test:e2e` script there, so the README cannot drift from what works.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StepError, root } from './packaging.js';

const BLOCK = /^<!-- readme-app: (\S+) -->\n\n?```\w*\n([\s\S]*?)\n```$/gm;
/** Every file the README must provide, so a renamed tag fails loudly instead of testing less. */
const EXPECTED = [
  'src/app.module.ts',
  'src/wallet.service.ts',
  'src/health.controller.ts',
  'test/app.e2e-spec.ts',
  'jest.config.json',
  'tsconfig.spec.json',
  'package.json',
];

/** The tagged files of README.md, by path. */
export function readmeAppFiles() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const files = new Map();
  for (const [, path, body] of readme.matchAll(BLOCK)) files.set(path, `${body}\n`);
  const missing = EXPECTED.filter((path) => !files.has(path));
  if (missing.length > 0) throw new StepError(`README.md lacks readme-app blocks: ${missing}`);
  return files;
}

/**
 * Writes the README app into `<consumerDir>/readme-app`: the README's files, the consumer's own
 * tsconfig.json (ESM or CommonJS) and module type, its node_modules (linked). Returns the dir.
 */
export function writeReadmeApp(consumerDir) {
  const dir = join(consumerDir, 'readme-app');
  const consumer = JSON.parse(readFileSync(join(consumerDir, 'package.json'), 'utf8'));
  for (const [path, body] of readmeAppFiles()) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    if (path === 'package.json') {
      const { scripts } = JSON.parse(body);
      const type = consumer.type ?? 'commonjs';
      const pkg = { name: `${consumer.name}-readme-app`, private: true, type, scripts };
      writeFileSync(join(dir, path), `${JSON.stringify(pkg, null, 2)}\n`);
    } else {
      writeFileSync(join(dir, path), body);
    }
  }
  writeFileSync(join(dir, 'tsconfig.json'), readFileSync(join(consumerDir, 'tsconfig.json')));
  symlinkSync(join(consumerDir, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}
