// The code of README.md and docs/*.md, checked in the consumer apps (test-consumers.js), so
// the documentation cannot drift from what works. Markers (CONTRIBUTING.md, "Code in the docs"),
// each an HTML comment on the line before a fence (a blank line between is allowed):
//   <!-- readme-app: <path> -->  a file of the docs' app, written at <path>: the README's quick
//                                start (src/app.module.ts) and docs/testing.md's e2e test and
//                                runner setups; the e2e test runs, the quick start is served
//   <!-- quickstart: output -->  (README.md, a text block) what GET /wallets of the quick start
//                                answers, compared byte for byte
//   <!-- snippet: esm -->        a whole module with top-level await: type-checked in ESM apps only
//   <!-- snippet: fragment -->   code out of context (a line of main.ts, an options object):
//                                parsed, never type-checked
// Every other ```ts block is a whole module, type-checked in every app beside the docs' app's
// src/ (so `./app.module.js` resolves to the quick start). CommonJS apps get each file with the
// `.js` suffix of its relative imports dropped, as CommonJS apps write them.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import ts from 'typescript';
import { StepError, root } from './packaging.js';

const FENCE = /^```(\w*)\n([\s\S]*?)\n```$/gm;
const MARKER = /<!-- (readme-app|snippet|quickstart): (\S+) -->\n\n?$/;
const SNIPPET_KINDS = new Set(['esm', 'fragment']);
const TS_LANGS = new Set(['ts', 'typescript']);
/** Every file the docs must provide, so a renamed tag fails loudly instead of testing less. */
const EXPECTED = [
  'src/app.module.ts',
  'test/app.e2e-spec.ts',
  'jest.config.json',
  'tsconfig.spec.json',
  'vitest.config.e2e.ts',
  'package.json',
];
/** The docs' test setup (Nest 12: Jest in ESM mode, Vitest), which a Nest 11 app replaces. */
const README_SETUP = new Set([
  'jest.config.json',
  'tsconfig.spec.json',
  'vitest.config.e2e.ts',
  'package.json',
]);

/** README.md, then docs/*.md in name order: the pages whose code is checked. */
export function docPages() {
  const docs = join(root, 'docs');
  const pages = existsSync(docs)
    ? readdirSync(docs)
        .filter((name) => name.endsWith('.md'))
        .sort()
        .map((name) => `docs/${name}`)
    : [];
  return ['README.md', ...pages];
}

/** The fenced blocks of a page: `{ page, line, lang, marker, value, body }`. */
export function codeBlocks(page) {
  const text = readFileSync(join(root, page), 'utf8');
  const blocks = [];
  for (const match of text.matchAll(FENCE)) {
    const [, lang, body] = match;
    const before = text.slice(Math.max(0, match.index - 200), match.index);
    const [, marker, value] = MARKER.exec(before) ?? [];
    const line = text.slice(0, match.index).split('\n').length;
    blocks.push({ page, line, lang, marker, value, body: `${body}\n` });
  }
  return blocks;
}

/** `src/main.ts` as `nest new` writes it: the quick start replaces only src/app.module.ts. */
const NEST_NEW_MAIN = `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await app.listen(process.env.PORT ?? 3000);
}
bootstrap();
`;

/** The tagged files of README.md and docs/*.md, by path; a path tagged twice fails. */
export function readmeAppFiles() {
  const files = new Map();
  const twice = [];
  for (const page of docPages()) {
    for (const block of codeBlocks(page)) {
      if (block.marker !== 'readme-app') continue;
      if (files.has(block.value)) twice.push(`${page}:${block.line}: ${block.value}`);
      files.set(block.value, block.body);
    }
  }
  if (twice.length > 0) throw new StepError(`readme-app paths tagged twice:\n${twice.join('\n')}`);
  const missing = EXPECTED.filter((path) => !files.has(path));
  if (missing.length > 0) throw new StepError(`the docs lack readme-app blocks: ${missing}`);
  return files;
}

/** What the README says `GET /wallets` of the quick start answers (its `quickstart: output` block). */
export function quickstartOutput() {
  const block = codeBlocks('README.md').find(
    ({ marker, value }) => marker === 'quickstart' && value === 'output',
  );
  if (!block) throw new StepError('README.md lacks its <!-- quickstart: output --> block');
  return block.body.trimEnd();
}

/**
 * The ts blocks of every page that are whole modules, as `{ path, body, esmOnly }` (path under
 * src/, named after page and line). Throws on an unknown marker and on a fragment that does not
 * parse, naming page and line.
 */
export function snippetModules() {
  const modules = [];
  const problems = [];
  for (const page of docPages()) {
    for (const block of codeBlocks(page)) {
      if (!TS_LANGS.has(block.lang) || block.marker === 'readme-app') continue;
      if (block.marker === 'quickstart') continue;
      const where = `${page}:${block.line}`;
      if (block.marker === 'snippet' && !SNIPPET_KINDS.has(block.value)) {
        problems.push(`${where}: unknown marker "snippet: ${block.value}"`);
        continue;
      }
      if (block.value === 'fragment') {
        const file = ts.createSourceFile('fragment.ts', block.body, ts.ScriptTarget.Latest, true);
        for (const diagnostic of file.parseDiagnostics) {
          problems.push(
            `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`,
          );
        }
        continue;
      }
      const name = `${basename(page, '.md').toLowerCase()}-line-${block.line}.ts`;
      modules.push({
        path: `src/snippets/${name}`,
        body: block.body,
        esmOnly: block.value === 'esm',
        where,
      });
    }
  }
  if (problems.length > 0) throw new StepError(`code blocks in the docs:\n${problems.join('\n')}`);
  return modules;
}

/**
 * The `npm install` lines of the README's `<!-- install: <line> -->` block, each as its
 * arguments (comments dropped), e.g. `['nestjs-zumrails-auth', '@nestjs/axios@^4', ...]`.
 */
export function installLines(line) {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const block = new RegExp(
    `<!-- install: ${line} -->\\n\\n?\`\`\`bash\\n([\\s\\S]*?)\\n\`\`\``,
  ).exec(text);
  if (!block) throw new StepError(`README.md lacks an <!-- install: ${line} --> bash block`);
  const lines = block[1]
    .split('\n')
    .map((command) => command.replace(/#.*$/, '').trim())
    .filter((command) => command !== '');
  return lines.map((command) => {
    const [npmWord, verb, ...args] = command.split(/\s+/);
    if (npmWord !== 'npm' || verb !== 'install') {
      throw new StepError(`README.md install: ${line}: not an npm install line: ${command}`);
    }
    return args;
  });
}

/** `from './x.js'` → `from './x'`: how a CommonJS app writes its relative imports. */
export function dropJsSuffixes(source) {
  return source.replace(/(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]*?)\.js\2/g, '$1$2$3$2');
}

/**
 * Writes the docs' app into `<consumerDir>/readme-app`: the tagged files, `nest new`'s
 * src/main.ts, every snippet module (under src/snippets/, their `./x.js` imports rewritten to
 * `../x.js`), the consumer's own tsconfig.json and module type, its node_modules (linked), and
 * tsconfig.quickstart.json, which builds the quick start alone into dist-quickstart/.
 * `commonjs`: no ESM-only snippet and no `.js` suffixes, as a CommonJS app writes them.
 * `ownSetup`: files of the consumer (e.g. `nest new` 11's `test/jest-e2e.json` and
 * package.json) used instead of the docs' Jest/Vitest setup, which is for Nest 12.
 * `snippets: false`: the app alone. Returns the dir.
 */
export function writeReadmeApp(consumerDir, { commonjs = false, ownSetup, snippets = true } = {}) {
  const dir = join(consumerDir, 'readme-app');
  const consumer = JSON.parse(readFileSync(join(consumerDir, 'package.json'), 'utf8'));
  const write = (path, body) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), commonjs && path.endsWith('.ts') ? dropJsSuffixes(body) : body);
  };
  for (const [path, body] of readmeAppFiles()) {
    if (ownSetup && README_SETUP.has(path)) continue;
    if (path === 'package.json') {
      const { scripts } = JSON.parse(body);
      const type = consumer.type ?? 'commonjs';
      const pkg = { name: `${consumer.name}-readme-app`, private: true, type, scripts };
      write(path, `${JSON.stringify(pkg, null, 2)}\n`);
    } else {
      write(path, body);
    }
  }
  for (const path of ownSetup ?? []) write(path, readFileSync(join(consumerDir, path), 'utf8'));
  write('src/main.ts', NEST_NEW_MAIN);
  for (const snippet of snippets ? snippetModules() : []) {
    if (commonjs && snippet.esmOnly) continue;
    const body = snippet.body.replace(/(from\s+|import\s*\(\s*)(['"])\.\//g, '$1$2../');
    write(snippet.path, `// ${snippet.where}\n${body}`);
  }
  writeFileSync(join(dir, 'tsconfig.json'), readFileSync(join(consumerDir, 'tsconfig.json')));
  const quickstart = {
    extends: './tsconfig.json',
    compilerOptions: { rootDir: 'src', outDir: 'dist-quickstart' },
    files: ['src/main.ts'],
    include: [],
  };
  writeFileSync(join(dir, 'tsconfig.quickstart.json'), `${JSON.stringify(quickstart, null, 2)}\n`);
  symlinkSync(join(consumerDir, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}
