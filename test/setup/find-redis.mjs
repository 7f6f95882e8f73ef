// Finds the Redis for the fleet suites (CONTRIBUTING.md, "Running the tests"), in this order:
//   1. ZUMRAILS_TEST_REDIS_URL: a Redis or Valkey the developer runs, used as is;
//   2. REDIS_SERVER, or redis-server / valkey-server on PATH: one throw-away server per suite;
//   3. neither, as root on Debian/Ubuntu with apt-get: install redis-server (quiet), then as 2;
//   4. otherwise: a problem naming the three ways; the fleet suites fail with it at once.
// Plain JS because Jest's globalSetup is loaded by Node itself. `node find-redis.mjs` prints
// the announcement line and the choice as JSON (test/setup/find-redis.spec.ts runs it so).
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { clearTimeout, setTimeout as delay } from 'node:timers';
import { pathToFileURL } from 'node:url';

const SERVER_NAMES = ['redis-server', 'valkey-server'];
/** apt-get may need a while on a cold cache; past this the run gets a clear problem instead. */
const APT_DEADLINE_MS = 5 * 60_000;

export const THREE_WAYS =
  'set ZUMRAILS_TEST_REDIS_URL=redis://host:port to a Redis or Valkey you run (e.g. in a ' +
  'container); or put redis-server (or valkey-server) on PATH, or set REDIS_SERVER to its path; ' +
  'or run npm test as root on Debian/Ubuntu, where it installs redis-server with apt-get';

/**
 * @typedef {{ kind: 'url', url: string, binary?: string }
 *   | { kind: 'binary', binary: string, installed: boolean }
 *   | { kind: 'none', problem: string }} RedisChoice
 */

/**
 * The four steps. With a URL the binary is still looked up (never installed) for the Cluster
 * suite, which needs processes of its own.
 * @param {Record<string, string | undefined>} env
 * @param {(line: string) => void} announce says, before it, that an install is starting
 * @returns {Promise<RedisChoice>}
 */
export async function findRedis(env, announce) {
  const url = env.ZUMRAILS_TEST_REDIS_URL?.trim();
  const binary = findBinary(env);
  if (url) return binary.path ? { kind: 'url', url, binary: binary.path } : { kind: 'url', url };
  if (binary.path) return { kind: 'binary', binary: binary.path, installed: false };
  if (binary.problem) return { kind: 'none', problem: binary.problem };
  if (!canInstallWithApt(env)) {
    return { kind: 'none', problem: `No Redis for the fleet suites: ${THREE_WAYS}.` };
  }
  announce('Redis: none found; installing redis-server with apt-get (root, Debian)...');
  const failure =
    (await run('apt-get', ['update', '-qq'], env)) ??
    (await run('apt-get', ['install', '-y', '-qq', 'redis-server'], env));
  const installed = findBinary(env).path;
  if (failure || !installed) {
    const why = failure ?? 'apt-get finished but redis-server is still not on PATH';
    return { kind: 'none', problem: `Installing redis-server failed (${why}). Or: ${THREE_WAYS}.` };
  }
  return { kind: 'binary', binary: installed, installed: true };
}

/** @param {RedisChoice} choice the one line that says which Redis the run uses */
export function describeChoice(choice) {
  if (choice.kind === 'url') {
    const cluster = choice.binary ?? 'no redis-server binary, so it fails';
    return `Redis: ZUMRAILS_TEST_REDIS_URL (${hidePassword(choice.url)}), one key prefix per suite; Cluster suite: ${cluster}`;
  }
  if (choice.kind === 'binary') {
    const how = choice.installed ? ' (installed just now with apt-get)' : '';
    return `Redis: ${choice.binary}${how}, one throw-away server per suite on a free loopback port`;
  }
  return `Redis: none, so the fleet suites fail. ${choice.problem}`;
}

/** @param {string} url */
export function hidePassword(url) {
  return url.replace(/\/\/([^@/]*)@/, (_, auth) => `//${auth.split(':')[0]}:***@`);
}

/** REDIS_SERVER when set (it must be executable), else the first server found on PATH. */
function findBinary(env) {
  const explicit = env.REDIS_SERVER?.trim();
  if (explicit) {
    const path = isAbsolute(explicit) ? explicit : onPath(env, explicit);
    if (path && isExecutable(path)) return { path };
    return { problem: `REDIS_SERVER=${explicit} is not an executable file. Or: ${THREE_WAYS}.` };
  }
  for (const name of SERVER_NAMES) {
    const path = onPath(env, name);
    if (path) return { path };
  }
  return {};
}

function onPath(env, name) {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function canInstallWithApt(env) {
  const root = process.getuid?.() === 0;
  return root && existsSync('/etc/debian_version') && onPath(env, 'apt-get') !== undefined;
}

/** Runs a command quietly: undefined on success, else its exit and last output lines. */
function run(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk) => (output = (output + chunk.toString()).slice(-2_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = delay(() => child.kill('SIGKILL'), APT_DEADLINE_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(`${command}: ${error.message}`);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(undefined);
      const tail = output.trim().split('\n').slice(-3).join(' | ');
      resolve(`${command} ${args[0]} exited with ${code ?? signal}: ${tail}`);
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const choice = await findRedis(process.env, console.log);
  console.log(describeChoice(choice));
  console.log(JSON.stringify(choice));
}
