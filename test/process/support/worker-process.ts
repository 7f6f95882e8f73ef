import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FakeZumRails } from '../../../lib/testing/index.js';

const REGISTER = pathToFileURL(
  fileURLToPath(new URL('../../support/register-ts.mjs', import.meta.url)),
).href;
const ENTRY = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

/** How a worker process ended, with everything it printed. */
export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs worker-child.ts in its own Node process against `fake` and resolves when it exits by
 * itself. Past `timeoutMs` it is killed (the exit then shows `SIGKILL`), so a process that
 * never ends fails the test instead of hanging it.
 */
export function runWorker(
  style: 'then' | 'await' | 'idle',
  fake: FakeZumRails,
  timeoutMs: number,
): Promise<WorkerExit> {
  const child = spawn(process.execPath, ['--import', REGISTER, ENTRY], {
    env: {
      ...process.env,
      WORKER_STYLE: style,
      WORKER_BASE_URL: fake.url,
      WORKER_USERNAME: fake.username,
      WORKER_PASSWORD: fake.password,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
