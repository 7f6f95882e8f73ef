// `npm run test:consumers`: proves the packed tarball works for real apps. Builds, packs into a
// temp dir, checks the file list, runs publint and attw, then for each app in test/consumers/:
// copies it to the temp dir, `npm ci`, installs the tarball (peer ranges checked by npm),
// type-checks, compiles and runs its main, which boots Nest against a FakeZumRails from the
// tarball's `testing` entry, compares ZumRailsHttpService with the app's own @nestjs/axios
// HttpService (test/support/observable-parity, copied into its src/) and must exit 0 in time;
// then builds the docs' app (the README's quick start, docs/testing.md's e2e test), runs that
// test (Jest, and Vitest where `nest new` uses it), serves the quick start and compares its
// GET /wallets with the README's, and type-checks every code block of README.md and docs/*.md
// there (scripts/readme-app.js).
// A fresh Nest 11 app (no lockfile) is installed as the README's Install section says and with
// a plain `npm install <tarball>`; what npm resolves is printed and checked. Fails on the first
// broken step.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
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
import { installLines, quickstartOutput, writeReadmeApp } from './readme-app.js';

/**
 * Each consumer and the Nest and @nestjs/axios majors its lockfile must install (both lines of
 * the @nestjs/axios peer range). nest12-esm and nest11-cjs are the two layouts Nest apps use
 * today; nest12-cjs is a CommonJS app on ESM-only Nest 12 (`require(esm)`, Node >= 20.19): the
 * case the README's Install section promises.
 */
const CONSUMERS = [
  // The Nest 12 apps also build the docs' app and run its e2e test (readmeApp); nest11-cjs
  // proves the optional peers are optional.
  {
    name: 'nest12-esm',
    nestMajor: 12,
    axiosMajor: 12,
    // As `nest new` 12 does: Vitest; and the README's Jest ESM setup.
    readmeApp: { runners: ['jest', 'vitest'], quickstart: true },
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
    // The docs' snippets are checked in nest12-esm and nest11-fresh (this one has no ioredis);
    // the quick start is served there too (this one has no @nestjs/platform-express).
    readmeApp: { runners: ['jest'], commonjs: true, snippets: false },
    absent: ['@opentelemetry/api'],
  },
];
/**
 * A fresh `nest new` 11 app without a lockfile (test/consumers/nest11-fresh): the README's
 * Nest 11 install lines must give it the Nest 11 line of every companion, and its CommonJS Jest
 * must run the README's code (without `.js` suffixes). A copy gets a plain
 * `npm install <tarball>` instead: npm then picks the newest companions, and the module must
 * refuse to start, naming them.
 */
const FRESH_NEST11 = {
  name: 'nest11-fresh',
  line: {
    '@nestjs/common': 11,
    '@nestjs/core': 11,
    '@nestjs/axios': 4,
    '@nestjs/schedule': 6,
    '@nestjs/terminus': 11,
    '@nestjs/config': 4,
    '@nestjs/testing': 11,
  },
  readmeApp: {
    runners: ['jest'],
    commonjs: true,
    ownSetup: ['package.json', 'test/jest-e2e.json'],
    quickstart: true,
  },
};
/** Boots ZumRailsAuthModule in a CommonJS app without compiling anything. */
const BOOT_SCRIPT = `require('reflect-metadata');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ZumRailsAuthModule } = require('nestjs-zumrails-auth');
class AppModule {}
Module({ imports: [ZumRailsAuthModule.forRoot({ baseUrl: 'http://127.0.0.1:9', username: 'boot-user', password: 'boot-password', startup: 'lazy' })] })(AppModule);
NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false }).then(
  (app) => app.close().then(() => console.log('started')),
  (error) => { console.error(error.message); process.exitCode = 1; },
);
`;
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

/** A labelled log and a step runner: each step prints its time, or fails naming the label and step. */
function stepper(label) {
  const log = (text) => console.log(`[${label}] ${text}`);
  const step = async (title, action) => {
    const started = Date.now();
    try {
      const output = await action();
      log(`${title} (${seconds(started)})`);
      return output;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new StepError(`[${label}] ${title} failed:\n${detail}`);
    }
  };
  return { log, step };
}

async function testConsumer(consumer, tarball, workDir) {
  const { name, nestMajor, axiosMajor, sourcesFrom, readmeApp } = consumer;
  const dir = join(workDir, name);
  const { log, step } = stepper(name);
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
  if (readmeApp) await testReadmeApp(dir, step, env, readmeApp);
}

/** A free loopback port, closed again at once: the quick start listens on it. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Serves the built quick start (`nest new`'s main.ts beside the README's app.module.ts) on a
 * free port, asks `GET /wallets` as the README's curl does, and compares the body with the
 * README's output block, byte for byte. The process is killed afterwards, whatever happened.
 */
async function serveQuickstart(dir, env) {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist-quickstart/main.js'], {
    cwd: dir,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((done) => child.once('exit', (code, signal) => done(signal ?? code)));
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  try {
    for (;;) {
      const exit = await Promise.race([exited, delay(200).then(() => undefined)]);
      if (exit !== undefined) throw new StepError(`the quick start exited (${exit}):\n${output}`);
      const answer = await globalThis.fetch(`http://127.0.0.1:${port}/wallets`).then(
        async (response) => ({ status: response.status, body: await response.text() }),
        () => undefined, // not listening yet
      );
      if (answer !== undefined) {
        const expected = quickstartOutput();
        if (answer.status !== 200 || answer.body !== expected) {
          throw new StepError(
            `GET /wallets answered ${answer.status}:\n${answer.body}\nthe README shows:\n${expected}\n${output}`,
          );
        }
        return;
      }
      if (Date.now() > deadline) throw new StepError(`no answer on port ${port}:\n${output}`);
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * The docs' app, verbatim (CommonJS: without `.js` suffixes), with every code block of the
 * docs type-checked beside it; its e2e test runs under each runner, and with `quickstart` the
 * README's quick start is built alone and served.
 */
async function testReadmeApp(
  dir,
  step,
  env,
  { runners, commonjs, ownSetup, snippets = true, quickstart = false },
) {
  const app = writeReadmeApp(dir, { commonjs, ownSetup, snippets });
  const tsc = join(dir, 'node_modules/typescript/bin/tsc');
  const project = ownSetup ? 'tsconfig.json' : 'tsconfig.spec.json';
  await step(`docs' app${snippets ? ' and snippets' : ''}: tsc -p ${project} --noEmit`, () =>
    run(process.execPath, [tsc, '-p', project, '--noEmit'], {
      cwd: app,
      env,
      timeoutMs: TSC_TIMEOUT_MS,
    }),
  );
  if (runners.includes('jest')) {
    const setup = ownSetup ? "nest new's Jest (CommonJS)" : "docs/testing.md's Jest ESM setup";
    await step(`docs' app: npm run test:e2e (${setup})`, () =>
      npm(['run', 'test:e2e'], { cwd: app, env, timeoutMs: RUN_TIMEOUT_MS * 2 }),
    );
  }
  if (runners.includes('vitest')) {
    const vitest = join(dir, 'node_modules/vitest/vitest.mjs');
    await step("docs' app: vitest run --config ./vitest.config.e2e.ts (nest new's Vitest)", () =>
      run(process.execPath, [vitest, 'run', '--config', './vitest.config.e2e.ts'], {
        cwd: app,
        env,
        timeoutMs: RUN_TIMEOUT_MS * 2,
      }),
    );
  }
  if (quickstart) {
    await step('quick start: tsc -p tsconfig.quickstart.json', () =>
      run(process.execPath, [tsc, '-p', 'tsconfig.quickstart.json'], {
        cwd: app,
        env,
        timeoutMs: TSC_TIMEOUT_MS,
      }),
    );
    await step("quick start: GET /wallets answers exactly the README's output", () =>
      serveQuickstart(app, env),
    );
  }
}

/** `name version` of each package, `-` when absent. */
function resolvedVersions(dir, names) {
  return names.map((name) => {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    return [name, existsSync(manifest) ? readJson(manifest).version : undefined];
  });
}

function printVersions(log, title, versions) {
  log(`${title}: ${versions.map(([name, version]) => `${name} ${version ?? '-'}`).join(', ')}`);
}

/**
 * The fresh Nest 11 app: installed as the README says (then its README app runs), and with a
 * plain `npm install <tarball>` (then the module must refuse to start on the mix npm picks).
 */
async function testFreshNest11(tarball, workDir) {
  const { name, line, readmeApp } = FRESH_NEST11;
  const names = Object.keys(line);
  const env = cleanEnv({ NO_COLOR: '1' });
  delete env.FORCE_COLOR;
  const install = (dir, args) =>
    npm(['install', '--no-audit', '--no-fund', ...args], {
      cwd: dir,
      env,
      timeoutMs: INSTALL_TIMEOUT_MS,
    });
  const copy = (label) => {
    const dir = join(workDir, label);
    cpSync(join(root, 'test/consumers', name), dir, { recursive: true });
    return dir;
  };

  const readme = async () => {
    const { log, step } = stepper(`${name} as the README says`);
    const dir = copy(`${name}-readme`);
    await step('npm install (nest new 11, no lockfile)', () => install(dir, []));
    for (const args of installLines('nest11')) {
      const withTarball = args.map((arg) => (arg === 'nestjs-zumrails-auth' ? tarball : arg));
      await step(`npm install ${args.join(' ')} (README, Install, Nest 11)`, () =>
        install(dir, withTarball),
      );
    }
    const versions = resolvedVersions(dir, names);
    printVersions(log, 'npm resolved', versions);
    const wrong = versions.filter(([pkg, version]) => !version?.startsWith(`${line[pkg]}.`));
    if (wrong.length > 0) {
      const expected = wrong.map(([pkg]) => `${pkg} ${line[pkg]}.x`).join(', ');
      throw new StepError(
        `[${name}] the README's install lines gave another line; expected ${expected}`,
      );
    }
    await step('the module starts', () =>
      run(process.execPath, ['-e', BOOT_SCRIPT], { cwd: dir, env, timeoutMs: RUN_TIMEOUT_MS }),
    );
    await testReadmeApp(dir, step, env, readmeApp);
  };

  const plain = async () => {
    const { log, step } = stepper(`${name} with a plain npm install`);
    const dir = copy(`${name}-plain`);
    await step('npm install (nest new 11, no lockfile)', () => install(dir, []));
    await step('npm install <tarball>', () => install(dir, [tarball]));
    const versions = resolvedVersions(dir, names);
    printVersions(log, 'npm resolved', versions);
    const mixed = versions.filter(
      ([pkg, version]) => version !== undefined && !version.startsWith(`${line[pkg]}.`),
    );
    const boot = run(process.execPath, ['-e', BOOT_SCRIPT], {
      cwd: dir,
      env,
      timeoutMs: RUN_TIMEOUT_MS,
    });
    if (mixed.length === 0) {
      await step('npm picked the Nest 11 line; the module starts', () => boot);
      return;
    }
    await step(
      `the module refuses to start, naming ${mixed.map(([pkg]) => pkg).join(', ')}`,
      async () => {
        const outcome = await boot.then(
          () => 'started',
          (error) => (error instanceof Error ? error.message : String(error)),
        );
        const named = mixed.every(([pkg, version]) => outcome.includes(`${pkg} ${version}`));
        if (!named)
          throw new StepError(`expected a start failure naming each of them, got:\n${outcome}`);
        log(
          `  | ${outcome.split('\n').find((text) => text.includes('installed beside')) ?? outcome}`,
        );
      },
    );
  };

  await Promise.all([readme(), plain()]);
}

main(async () => {
  await build();
  const workDir = tempDir('zumrails-consumers');
  let passed = false;
  try {
    const report = await pack(workDir);
    checkContents(report);
    await lintTarball(report.tarball);
    const names = [...CONSUMERS.map((c) => c.name), FRESH_NEST11.name];
    console.log(`== consumers (${names.join(', ')}) in ${workDir}`);
    const results = await Promise.allSettled([
      ...CONSUMERS.map((consumer) => testConsumer(consumer, report.tarball, workDir)),
      testFreshNest11(report.tarball, workDir),
    ]);
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
