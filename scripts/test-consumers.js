// `npm run test:consumers`: proves the packed tarball works for real apps. Builds, packs into a
// temp dir, checks the file list, runs publint and attw, then for each app in test/consumers/:
// copies it to the temp dir, `npm ci`, installs the tarball (peer ranges checked by npm),
// type-checks, compiles and runs its main, which boots Nest against a FakeZumRails from the
// tarball's `testing` entry, compares ZumRailsHttpService with the app's own @nestjs/axios
// HttpService (test/support/observable-parity, copied into its src/) and must exit 0 in time.
// Fails on the first broken step.
import { cpSync, existsSync, lstatSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  StepError,
  build,
  checkContents,
  cleanEnv,
  lintTarball,
  main,
  npm,
  pack,
  packageVersion,
  root,
  run,
  tempDir,
} from './packaging.js';
import { writeReadmeApp } from './readme-app.js';

/**
 * Each consumer and the Nest and @nestjs/axios majors its lockfile must install (both lines of
 * the @nestjs/axios peer range). nest12-esm and nest11-cjs are the two layouts Nest apps use
 * today; nest12-cjs is a CommonJS app on ESM-only Nest 12 (`require(esm)`, Node >= 20.19): the
 * case the README's Install section promises.
 */
const CONSUMERS = [
  // The Nest 12 apps also run the README's minimal app and its Jest e2e test (readmeApp), which
  // needs @nestjs/terminus; nest11-cjs proves the optional peers are optional.
  {
    name: 'nest12-esm',
    nestMajor: 12,
    axiosMajor: 12,
    readmeApp: true,
    absent: ['@opentelemetry/api'],
  },
  {
    name: 'nest11-cjs',
    nestMajor: 11,
    axiosMajor: 4,
    absent: ['@nestjs/terminus', '@opentelemetry/api'],
  },
  // Same app as nest11-cjs (its src and tsconfigs), only the package.json and lockfile differ.
  {
    name: 'nest12-cjs',
    nestMajor: 12,
    axiosMajor: 12,
    sourcesFrom: 'nest11-cjs',
    readmeApp: true,
    absent: ['@opentelemetry/api'],
  },
];
/** Shared with test/http/observable-cancel.e2e.spec.ts; main.ts imports it from src/. */
const PARITY_CHECK = 'test/support/observable-parity';
/** What a consumer that borrows another's sources keeps of its own. */
const OWN_FILES = new Set(['package.json', 'package-lock.json']);
const INSTALL_TIMEOUT_MS = 5 * 60_000;
const TSC_TIMEOUT_MS = 2 * 60_000;
/** The app boots, logs in, calls the API and shuts down in about a second. */
const RUN_TIMEOUT_MS = 30_000;

const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The tarball, not a link to the source tree, at our version; Nest, @nestjs/axios majors. */
function checkInstalled(dir, { nestMajor, axiosMajor, absent }) {
  const installed = join(dir, 'node_modules/nestjs-zumrails-auth');
  if (lstatSync(installed).isSymbolicLink()) {
    throw new StepError(`${installed} is a symlink, not the unpacked tarball`);
  }
  const version = readJson(join(installed, 'package.json')).version;
  if (version !== packageVersion()) {
    throw new StepError(`installed nestjs-zumrails-auth ${version}, packed ${packageVersion()}`);
  }
  const majors = {
    '@nestjs/common': nestMajor,
    '@nestjs/core': nestMajor,
    '@nestjs/axios': axiosMajor,
  };
  for (const [pkg, major] of Object.entries(majors)) {
    const installed = readJson(join(dir, 'node_modules', pkg, 'package.json')).version;
    if (!installed.startsWith(`${major}.`)) {
      throw new StepError(`${pkg} ${installed} installed, expected ${major}.x`);
    }
  }
  // The app runs without these optional peers: proof that they are optional (no error).
  for (const optional of absent) {
    if (existsSync(join(dir, 'node_modules', optional))) {
      throw new StepError(`${optional} got installed although it is an optional peer`);
    }
  }
}

async function testConsumer(consumer, tarball, workDir) {
  const { name, nestMajor, axiosMajor, sourcesFrom, readmeApp } = consumer;
  const dir = join(workDir, name);
  const log = (line) => console.log(`[${name}] ${line}`);
  const step = async (title, action) => {
    const started = Date.now();
    try {
      const output = await action();
      log(`${title} (${seconds(started)})`);
      return output;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new StepError(`[${name}] ${title} failed:\n${detail}`);
    }
  };
  const env = cleanEnv({ NO_COLOR: '1' });
  delete env.FORCE_COLOR;
  const node = (args, timeoutMs) => run(process.execPath, args, { cwd: dir, env, timeoutMs });
  const tsc = join(dir, 'node_modules/typescript/bin/tsc');

  const skipBuilt = (source) => !/[\\/](node_modules|dist)$/.test(source);
  if (sourcesFrom) {
    const from = join(root, 'test/consumers', sourcesFrom);
    cpSync(from, dir, {
      recursive: true,
      filter: (source) => skipBuilt(source) && !OWN_FILES.has(relative(from, source)),
    });
  }
  cpSync(join(root, 'test/consumers', name), dir, { recursive: true, filter: skipBuilt });
  // The same behaviour comparison as the main suite's, run here on the app's @nestjs/axios.
  cpSync(join(root, PARITY_CHECK), join(dir, 'src/observable-parity'), { recursive: true });
  await step('npm ci', () =>
    npm(['ci', '--no-audit', '--no-fund'], { cwd: dir, env, timeoutMs: INSTALL_TIMEOUT_MS }),
  );
  await step('npm install <tarball>', () =>
    npm(['install', '--no-save', '--no-audit', '--no-fund', tarball], {
      cwd: dir,
      env,
      timeoutMs: INSTALL_TIMEOUT_MS,
    }),
  );
  await step(
    `installed: the tarball, Nest ${nestMajor}.x, @nestjs/axios ${axiosMajor}.x`,
    async () => checkInstalled(dir, consumer),
  );
  await step('tsc --noEmit', () => node([tsc, '-p', 'tsconfig.json', '--noEmit'], TSC_TIMEOUT_MS));
  // Emit only: the step above has type-checked the same sources.
  await step('tsc -p tsconfig.build.json --noCheck', () =>
    node([tsc, '-p', 'tsconfig.build.json', '--noCheck'], TSC_TIMEOUT_MS),
  );
  const output = await step('node dist/main.js (exit 0)', () =>
    node(['dist/main.js'], RUN_TIMEOUT_MS),
  );
  for (const line of output.trimEnd().split('\n')) log(`  | ${line}`);
  if (readmeApp) await testReadmeApp(dir, step, env);
}

/** The README's minimal app and e2e test, verbatim, with the README's Jest setup. */
async function testReadmeApp(dir, step, env) {
  const app = writeReadmeApp(dir);
  const tsc = join(dir, 'node_modules/typescript/bin/tsc');
  await step('README app: tsc -p tsconfig.spec.json --noEmit', () =>
    run(process.execPath, [tsc, '-p', 'tsconfig.spec.json', '--noEmit'], {
      cwd: app,
      env,
      timeoutMs: TSC_TIMEOUT_MS,
    }),
  );
  await step("README app: npm run test:e2e (the README's Jest setup)", () =>
    npm(['run', 'test:e2e'], { cwd: app, env, timeoutMs: RUN_TIMEOUT_MS * 2 }),
  );
}

main(async () => {
  await build();
  const workDir = tempDir('zumrails-consumers');
  let passed = false;
  try {
    const report = await pack(workDir);
    checkContents(report);
    await lintTarball(report.tarball);
    console.log(`== consumers (${CONSUMERS.map((c) => c.name).join(', ')}) in ${workDir}`);
    const results = await Promise.allSettled(
      CONSUMERS.map((consumer) => testConsumer(consumer, report.tarball, workDir)),
    );
    const failures = results.filter((result) => result.status === 'rejected');
    if (failures.length > 0) {
      const reasons = failures.map(({ reason }) =>
        reason instanceof Error ? reason.message : reason,
      );
      throw new StepError(`${reasons.join('\n\n')}\n\n(consumer copies kept in ${workDir})`);
    }
    passed = true;
  } finally {
    if (passed) rmSync(workDir, { recursive: true, force: true });
  }
});
