// Shared steps of `npm run pack:check` and `npm run test:consumers`: run a command, build,
// pack into a temp dir, check what the tarball contains, lint it with publint and attw.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What the published tarball may contain; anything else fails the check. */
const ALLOWED_FILES = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
  /^docs\/[\w-]+\.md$/,
  /^dist\/cjs\/package\.json$/,
  /^dist\/(esm|cjs)\/[\w./-]+\.(js|d\.ts)$/,
];
/** What it must contain: both builds and both type sets of both entry points. */
const REQUIRED_FILES = ['LICENSE', 'README.md', 'CHANGELOG.md', 'dist/cjs/package.json'].concat(
  ...['esm', 'cjs'].map((build) =>
    ['index', 'testing/index'].flatMap((entry) => [
      `dist/${build}/${entry}.js`,
      `dist/${build}/${entry}.d.ts`,
    ]),
  ),
);

/** A failed step; its message carries the command's full output. */
export class StepError extends Error {}

/** Environment for commands that must not inherit the settings of the `npm run` around us. */
export function cleanEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  for (const name of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|command$|config_(local_prefix|prefix|call)$)/i.test(name)) {
      delete env[name];
    }
  }
  delete env.INIT_CWD;
  return env;
}

/**
 * Runs `command args` without a shell and resolves with its stdout. Rejects with the complete
 * output on a non-zero exit, a signal or after `timeoutMs`.
 */
export function run(command, args, options = {}) {
  const { cwd = root, env = process.env, timeoutMs = 10 * 60_000, echo = false } = options;
  const shown = [command === process.execPath ? 'node' : command, ...args].join(' ');
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const collect = (stream, isStdout) => {
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        output += chunk;
        if (isStdout) stdout += chunk;
        if (echo) (isStdout ? process.stdout : process.stderr).write(chunk);
      });
    };
    collect(child.stdout, true);
    collect(child.stderr, false);
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(new StepError(`${shown}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && !timedOut) return done(stdout);
      const why = timedOut ? `timed out after ${timeoutMs} ms` : `failed (${code ?? signal})`;
      fail(new StepError(`${shown} ${why} in ${cwd}\n${echo ? '' : output}`));
    });
  });
}

/** `npm args` with the npm that runs this script (no shell, so no `npm.cmd` trouble on Windows). */
export function npm(args, options = {}) {
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.c?js$/.test(cli)) return run(process.execPath, [cli, ...args], options);
  return run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, options);
}

/** A bin of a root devDependency (`node_modules/<pkg>/<binPath>`), run with this Node. */
export function bin(pkg, binPath, args, options = {}) {
  return run(process.execPath, [join(root, 'node_modules', pkg, binPath), ...args], options);
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

export async function build() {
  await run(process.execPath, [join(root, 'scripts/build.js')], { echo: true });
}

/** `npm pack` into `destination`; returns the tarball path and npm's file list. */
export async function pack(destination) {
  const stdout = await npm(
    ['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
    { env: cleanEnv() },
  );
  const [report] = JSON.parse(stdout);
  return { ...report, tarball: join(destination, report.filename) };
}

/** Prints the tarball's files and size; throws when it holds too much or too little. */
export function checkContents(report) {
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log(`\n${report.filename}: ${report.entryCount} files`);
  for (const file of report.files) console.log(`  ${kib(file.size).padStart(10)}  ${file.path}`);
  console.log(`  packed ${kib(report.size)}, unpacked ${kib(report.unpackedSize)}\n`);
  const paths = report.files.map((file) => file.path);
  const unexpected = paths.filter((path) => !ALLOWED_FILES.some((pattern) => pattern.test(path)));
  const missing = REQUIRED_FILES.filter((path) => !paths.includes(path));
  if (unexpected.length || missing.length) {
    throw new StepError(
      `tarball contents are wrong\n  unexpected: ${unexpected.join(', ') || '-'}\n  missing: ${missing.join(', ') || '-'}`,
    );
  }
}

/** publint (warnings are errors) and attw (node10, node16-cjs, node16-esm, bundler). */
export async function lintTarball(tarball) {
  console.log('== publint');
  await bin('publint', 'src/cli.js', ['run', tarball, '--strict', '--level', 'suggestion'], {
    echo: true,
  });
  console.log('== attw');
  await bin(
    '@arethetypeswrong/cli',
    'dist/index.js',
    [tarball, '--profile', 'strict', '--no-definitely-typed', '--format', 'table', '--no-emoji'],
    { echo: true, env: { ...process.env, FORCE_COLOR: '0' } },
  );
}

/** The version in the root package.json (what the tarball must carry). */
export function packageVersion() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
}

/** Runs `main` and exits non-zero with the failing step's output on any error. */
export function main(task) {
  const started = Date.now();
  task().then(
    () => console.log(`\nok in ${((Date.now() - started) / 1000).toFixed(1)} s`),
    (error) => {
      console.error(`\nFAILED after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.error(error instanceof StepError ? error.message : error);
      process.exitCode = 1;
    },
  );
}
