import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ChildConfig, ChildEvent, ChildMessage } from './protocol.js';

const REGISTER = pathToFileURL(
  fileURLToPath(new URL('../../../support/register-ts.mjs', import.meta.url)),
).href;
const ENTRY = fileURLToPath(new URL('./replica-child.ts', import.meta.url));

type Stats = { calls: number; failures: string[] };

/**
 * A replica in its own Node process, running the TypeScript sources through register-ts.mjs
 * (no build needed). `kill()` is a crash (SIGKILL); `stop()` a clean shutdown with stats.
 */
export class ChildReplica {
  readonly events: ChildEvent[] = [];
  /** stdout and stderr, for the failure message of a test. */
  output = '';
  pid = 0;
  firstToken = '';
  private readonly child: ChildProcess;
  private stats?: Promise<Stats>;

  private constructor(config: ChildConfig) {
    this.child = spawn(process.execPath, ['--import', REGISTER, ENTRY], {
      env: { ...process.env, FLEET_CHILD_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.on('message', (message: ChildMessage) => {
      if (message.type === 'event') this.events.push(message.event);
    });
  }

  /** Spawns a replica and resolves once it holds its first token. */
  static start(config: ChildConfig, timeoutMs = 20_000): Promise<ChildReplica> {
    const replica = new ChildReplica(config);
    const child = replica.child;
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`child replica ${why}:\n${replica.output}`));
      };
      const onExit = (code: number | null, signal: string | null) =>
        fail(`exited (${code ?? signal})`);
      const onReady = (message: ChildMessage) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        child.off('exit', onExit);
        child.off('message', onReady);
        replica.pid = message.pid;
        replica.firstToken = message.token;
        resolve(replica);
      };
      const timer = setTimeout(() => fail(`not ready within ${timeoutMs} ms`), timeoutMs);
      child.on('exit', onExit);
      child.on('message', onReady);
    });
  }

  /** Logins this replica made itself (acquired or renewed with origin `login`). */
  logins(): number {
    return this.events.filter((event) => event.origin === 'login').length;
  }

  /** Crash: SIGKILL, no shutdown hooks, no lease release. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** Clean shutdown; resolves with the child's caller statistics. */
  stop(timeoutMs = 10_000): Promise<Stats> {
    this.stats ??= new Promise<Stats>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`child did not stop within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      this.child.on('message', (message: ChildMessage) => {
        if (message.type !== 'stats') return;
        clearTimeout(timer);
        resolve({ calls: message.calls, failures: message.failures });
      });
      this.child.send({ type: 'stop' } satisfies { type: 'stop' });
    });
    return this.stats;
  }
}
