import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REGISTER = pathToFileURL(
  fileURLToPath(new URL('../support/register-ts.mjs', import.meta.url)),
).href;
const MAIN = fileURLToPath(new URL('../../sample-app/main.ts', import.meta.url));

/** How the process ended: an exit code, or the signal that killed it. */
export interface SampleExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One JSON log line of the sample (LOG_FORMAT=json): Nest's context and the library's record. */
export interface SampleLogLine {
  context?: string;
  message: Record<string, unknown> | string;
}

/**
 * sample-app/main.ts as its own OS process, as `npm run sample` starts it but from the sources
 * (no build), on a free port, with JSON logs. It runs in an empty directory, so a developer's
 * sample-app/.env (real credentials) is never read; no `ZUMRAILS_*` variable is inherited.
 */
export class SampleProcess {
  /** stdout and stderr, for the failure message of a test. */
  output = '';
  private readonly cwd = mkdtempSync(join(tmpdir(), 'zumrails-sample-'));
  private readonly child: ChildProcess;
  private readonly exit: Promise<SampleExit>;

  constructor(env: Record<string, string>) {
    const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('ZUMRAILS_'));
    this.child = spawn(process.execPath, ['--import', REGISTER, MAIN], {
      cwd: this.cwd,
      env: { ...Object.fromEntries(inherited), PORT: '0', LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exit = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /**
   * Resolves once `done()` holds, checked on every chunk of output; rejects if the process
   * exits first or after `timeoutMs`.
   */
  waitFor(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        this.child.stdout!.off('data', check);
        this.child.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      const check = () => done() && settle();
      const onExit = () => settle(new Error(`exited before ${what}:\n${this.output}`));
      const timer = setTimeout(
        () => settle(new Error(`no ${what} within ${timeoutMs} ms:\n${this.output}`)),
        timeoutMs,
      );
      this.child.stdout!.on('data', check);
      this.child.once('exit', onExit);
      check();
    });
  }

  /** Sends `signal` and resolves with how the process ended; past `timeoutMs` it is SIGKILLed. */
  stop(signal: NodeJS.Signals, timeoutMs: number): Promise<SampleExit> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`no exit within ${timeoutMs} ms of ${signal}:\n${this.output}`));
      }, timeoutMs);
      void this.exit.then((exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
      this.child.kill(signal);
    });
  }

  /** The JSON log lines whose library record has this `event` (e.g. `acquired`, `cancelled`). */
  events(event: string): SampleLogLine[] {
    return this.output
      .split('\n')
      .slice(0, -1) // the last piece may be a line still being written
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as SampleLogLine)
      .filter((line) => typeof line.message === 'object' && line.message.event === event);
  }

  /** Ends the process if a test left it running and removes its directory. */
  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exit;
    }
    rmSync(this.cwd, { recursive: true, force: true });
  }
}
