// Builds the published output: dist/esm (NodeNext, as the sources are) and dist/cjs
// (CommonJS), each with its own declarations, `@internal` members stripped (stripInternal in
// tsconfig.build.json), then checks those declarations. No source maps: the tarball ships no
// sources.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDeclarations } from './check-declarations.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function compile(project) {
  console.log(`tsc -p ${project}`);
  const result = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`tsc -p ${project} failed (exit ${result.status ?? result.signal})`);
  }
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
compile('tsconfig.build.json');
compile('tsconfig.build.cjs.json');
// The package is "type": "module"; this marks dist/cjs/**/*.js (and .d.ts) as CommonJS.
mkdirSync(join(root, 'dist/cjs'), { recursive: true });
writeFileSync(join(root, 'dist/cjs/package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
checkDeclarations(root);
console.log('built dist/esm and dist/cjs; their .d.ts have no @internal and type-check');
