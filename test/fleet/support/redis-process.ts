import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';

const READY = /Ready to accept connections/;
const READY_DEADLINE_MS = 10_000;

/**
 * One `redis-server` process on a loopback port without persistence. `launch()` resolves once
 * it accepts connections; `terminate()` resolves once it exited. Both can be called again.
 */
export class RedisProcess {
  private process?: ChildProcess;

  constructor(
    private readonly binary: string,
    readonly port: number,
    private readonly extraArgs: readonly string[] = [],
  ) {}

  launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1'];
    args.push('--save', '', '--appendonly', 'no', '--dir', tmpdir(), ...this.extraArgs);
    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    return new Promise<void>((resolve, reject) => {
      let output = '';
      const settle = (error?: Error) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.stdout!.off('data', onData);
        if (!error) return resolve();
        child.kill('SIGKILL');
        reject(error);
      };
      const onExit = (code: number | null) =>
        settle(new Error(`${this.binary} exited (${code}):\n${output}`));
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (READY.test(output)) settle();
      };
      const timer = setTimeout(
        () => settle(new Error(`${this.binary} not ready:\n${output}`)),
        READY_DEADLINE_MS,
      );
      child.once('error', (error) => settle(new Error(`${this.binary}: ${error.message}`)));
      child.on('exit', onExit);
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    });
  }

  /** Stalls the process (`SIGSTOP`: connections stay open, nothing answers) or wakes it (`SIGCONT`). */
  stall(stalled: boolean): void {
    this.process?.kill(stalled ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Stops the process with `signal` (SIGKILL: an outage). Idempotent. */
  async terminate(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}

/** Launches on a free port, trying another one when the port was taken in between. */
export async function launchOnFreePort(
  start: () => Promise<RedisProcess>,
  attempts = 3,
): Promise<RedisProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const server = await start();
    try {
      await server.launch();
      return server;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
