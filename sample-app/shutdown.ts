import type { INestApplication } from '@nestjs/common';
import type { FakeZumRails } from 'nestjs-zumrails-auth/testing';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * On Ctrl-C (SIGINT) or SIGTERM: closes the app, so the module cancels its tokens at Zum Rails
 * (at the embedded fakes, which must still listen), then stops the fakes. Nothing holds the
 * event loop after that, so the process exits 0 by itself. This replaces
 * `app.enableShutdownHooks()`, which re-raises the signal once the app is closed (exit 130 or
 * 143) and leaves no step after it to stop the fakes.
 */
export function stopOnSignals(app: INestApplication, fakes: readonly FakeZumRails[]): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // As Nest's own hooks do, a second signal waits for the stop under way: that stop is
    // bounded (the module's revokeTimeoutMs), and cutting it short could leave a token live.
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (the tokens are cancelled first)`);
    stop(app, fakes).catch((error: unknown) => {
      console.error('The sample app did not stop cleanly:', error);
      process.exitCode = 1;
    });
  };
  for (const each of SIGNALS) process.on(each, onSignal);
}

async function stop(app: INestApplication, fakes: readonly FakeZumRails[]): Promise<void> {
  try {
    await app.close();
  } finally {
    // Even after a failed close: a fake left listening would keep the process alive.
    await Promise.all(fakes.map((fake) => fake.stop()));
  }
}
