import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./find-redis.mjs', import.meta.url));
const CAN_APT = process.getuid?.() === 0 && existsSync('/etc/debian_version');

/** Runs the discovery as `npm test` would, with only `env`; its announcement lines and choice. */
function discover(env: Record<string, string>): Promise<{ lines: string[]; choice: Choice }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SCRIPT], { env }, (error, stdout) => {
      if (error) return reject(error);
      const lines = stdout.trim().split('\n');
      resolve({ lines: lines.slice(0, -1), choice: JSON.parse(lines.at(-1)!) as Choice });
    });
  });
}
type Choice = {
  kind: string;
  url?: string;
  binary?: string;
  installed?: boolean;
  problem?: string;
};

/** The three ways every "no Redis" message must name. */
function expectThreeWays(problem: string | undefined): void {
  expect(problem).toContain('ZUMRAILS_TEST_REDIS_URL');
  expect(problem).toContain('REDIS_SERVER');
  expect(problem).toMatch(/root on Debian\/Ubuntu.*apt-get/);
}

describe('Redis discovery for the fleet suites (test/setup/find-redis.mjs)', () => {
  let bin: string;

  beforeEach(async () => {
    bin = await mkdtemp(join(tmpdir(), 'zr-find-redis-'));
  });
  afterEach(async () => {
    await rm(bin, { recursive: true, force: true });
  });

  /** An executable in `bin`: a Node script, so it runs without anything else on PATH. */
  async function tool(name: string, body = ''): Promise<string> {
    const path = join(bin, name);
    await writeFile(path, `#!${process.execPath}\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  }

  it('1. takes ZUMRAILS_TEST_REDIS_URL as is, hides its password, and still finds a binary for the Cluster suite', async () => {
    const server = await tool('redis-server');
    const url = 'redis://user:s3cret@10.0.0.7:6380/2';
    const { lines, choice } = await discover({ PATH: bin, ZUMRAILS_TEST_REDIS_URL: url });
    expect(choice).toEqual({ kind: 'url', url, binary: server });
    expect(lines).toEqual([
      `Redis: ZUMRAILS_TEST_REDIS_URL (redis://user:***@10.0.0.7:6380/2), one key prefix per suite; Cluster suite: ${server}`,
    ]);
  });

  it('2. finds redis-server, or valkey-server, on PATH; REDIS_SERVER wins and must exist', async () => {
    const valkey = await tool('valkey-server');
    expect((await discover({ PATH: bin })).choice).toEqual({
      kind: 'binary',
      binary: valkey,
      installed: false,
    });
    const redis = await tool('redis-server');
    const { lines, choice } = await discover({ PATH: `/nonexistent:${bin}` });
    expect(choice.binary).toBe(redis);
    expect(lines).toEqual([
      `Redis: ${redis}, one throw-away server per suite on a free loopback port`,
    ]);
    const custom = await tool('my-redis');
    expect((await discover({ PATH: '', REDIS_SERVER: custom })).choice.binary).toBe(custom);
    const missing = await discover({ PATH: bin, REDIS_SERVER: join(bin, 'nope') });
    expect(missing.choice.kind).toBe('none');
    expect(missing.choice.problem).toContain(`REDIS_SERVER=${join(bin, 'nope')} is not`);
    expectThreeWays(missing.choice.problem);
  });

  it(`3. ${CAN_APT ? 'as root on Debian, installs redis-server with apt-get (quiet, announced)' : 'not root on Debian: never runs apt-get'}`, async () => {
    // A stub apt-get that records its calls and "installs" a redis-server beside itself.
    const log = join(bin, 'apt.log');
    await tool(
      'apt-get',
      `const fs = require('node:fs'), path = require('node:path');
fs.appendFileSync(${JSON.stringify(log)}, process.argv.slice(2).join(' ') + ' ' + process.env.DEBIAN_FRONTEND + '\\n');
console.log('lots of apt output');
if (process.argv[2] === 'install') {
  const server = path.join(${JSON.stringify(bin)}, 'redis-server');
  fs.writeFileSync(server, '#!/bin/sh\\n');
  fs.chmodSync(server, 0o755);
}`,
    );
    const { lines, choice } = await discover({ PATH: bin });
    if (!CAN_APT) {
      expect(choice.kind).toBe('none');
      expect(existsSync(log)).toBe(false);
      return;
    }
    expect(choice).toEqual({ kind: 'binary', binary: join(bin, 'redis-server'), installed: true });
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([
      'update -qq noninteractive',
      'install -y -qq redis-server noninteractive',
    ]);
    expect(lines).toEqual([
      'Redis: none found; installing redis-server with apt-get (root, Debian)...',
      `Redis: ${join(bin, 'redis-server')} (installed just now with apt-get), one throw-away server per suite on a free loopback port`,
    ]); // apt-get's own output stays quiet
  });

  it('3. a failed apt-get install becomes a problem with its last lines and the three ways', async () => {
    await tool('apt-get', `console.error('E: Unable to locate package'); process.exit(100);`);
    const { choice } = await discover({ PATH: bin });
    expect(choice.kind).toBe('none');
    if (CAN_APT) expect(choice.problem).toMatch(/apt-get update exited with 100: E: Unable/);
    expectThreeWays(choice.problem);
  });

  it('4. with nothing at all, fails with one message naming the three ways', async () => {
    const { lines, choice } = await discover({ PATH: bin });
    expect(choice.kind).toBe('none');
    expectThreeWays(choice.problem);
    expect(lines).toEqual([`Redis: none, so the fleet suites fail. ${choice.problem}`]);
  });
});
