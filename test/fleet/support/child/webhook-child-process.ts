import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WebhookChildConfig, WebhookChildMessage } from './webhook-child.js';

const REGISTER = pathToFileURL(
  fileURLToPath(new URL('../../../support/register-ts.mjs', import.meta.url)),
).href;
const ENTRY = fileURLToPath(new URL('./webhook-child.ts', import.meta.url));

/** An app instance in its own process whose webhook handler never returns (webhook-child.ts). */
export class WebhookChildProcess {
  url = '';
  /** Handler runs started. */
  handling = 0;
  output = '';

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.on('message', (message: WebhookChildMessage) => {
      if (message.type === 'handling') this.handling += 1;
    });
  }

  /** Spawns the app and resolves once it listens. */
  static start(config: WebhookChildConfig, timeoutMs = 20_000): Promise<WebhookChildProcess> {
    const child = spawn(process.execPath, ['--import', REGISTER, ENTRY], {
      env: { ...process.env, WEBHOOK_CHILD_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const app = new WebhookChildProcess(child);
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`webhook child ${why}:\n${app.output}`));
      };
      const onExit = (code: number | null, signal: string | null) =>
        fail(`exited (${code ?? signal})`);
      const onListening = (message: WebhookChildMessage) => {
        if (message.type !== 'listening') return;
        clearTimeout(timer);
        child.off('exit', onExit);
        child.off('message', onListening);
        app.url = message.url;
        resolve(app);
      };
      const timer = setTimeout(() => fail(`not listening within ${timeoutMs} ms`), timeoutMs);
      child.on('exit', onExit);
      child.on('message', onListening);
    });
  }

  /** A crash: SIGKILL, no shutdown hooks, the claim left behind in Redis. Idempotent. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }
}
