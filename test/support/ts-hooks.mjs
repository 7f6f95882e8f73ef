// Module hooks for register-ts.mjs: resolve `./x.js` to `./x.ts` when only the .ts exists (the
// sources import with .js extensions, NodeNext style), resolve the package's own name (as the
// sample app imports it) to its sources as Jest's moduleNameMapper does, and transpile .ts to
// ESM on load.
// Transpiled files are cached on disk (keyed by typescript's version, path and source), so a
// child replica loads `typescript` itself only on a miss: booting three children at once on a
// loaded machine then costs seconds, not tens of seconds.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const CACHE_DIR = join(tmpdir(), 'zumrails-auth-ts-cache');
const TS_VERSION = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('typescript/package.json'), 'utf8'),
).version;
let compiler; // `typescript`, imported on the first cache miss only

// Without this, Node would resolve the package's own name to the build in dist/ (if any).
const SELF = {
  'nestjs-zumrails-auth': new URL('../../lib/index.ts', import.meta.url).href,
  'nestjs-zumrails-auth/testing': new URL('../../lib/testing/index.ts', import.meta.url).href,
};

export async function resolve(specifier, context, nextResolve) {
  if (Object.hasOwn(SELF, specifier)) return { url: SELF[specifier], shortCircuit: true };
  const parent = context.parentURL;
  if (parent?.endsWith('.ts') && /^\.{1,2}\//.test(specifier) && specifier.endsWith('.js')) {
    const asJs = new URL(specifier, parent);
    const asTs = new URL(specifier.replace(/\.js$/, '.ts'), parent);
    if (!existsSync(fileURLToPath(asJs)) && existsSync(fileURLToPath(asTs))) {
      return { url: asTs.href, shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, 'utf8');
  return { format: 'module', source: await transpiled(fileName, source), shortCircuit: true };
}

async function transpiled(fileName, source) {
  const key = createHash('sha256').update(`${TS_VERSION}\n${fileName}\n${source}`).digest('hex');
  const cached = join(CACHE_DIR, `${key}.js`);
  try {
    return await readFile(cached, 'utf8');
  } catch {
    // a miss: transpile below
  }
  compiler ??= (await import('typescript')).default;
  const { outputText } = compiler.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: compiler.ModuleKind.ESNext,
      target: compiler.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
      inlineSourceMap: true,
    },
  });
  await mkdir(CACHE_DIR, { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`; // rename is atomic: no child reads half a file
  await writeFile(partial, outputText);
  await rename(partial, cached);
  return outputText;
}
