import { fork, type ChildProcess } from 'node:child_process';
import { FakeZumRails, type FakeZumRailsCounters } from 'nestjs-zumrails-auth/testing';
import type { FakeCommand, FakeReply, FakeStartOptions } from './fake-protocol.js';

/** Where the fake server runs: its own process (default) or the bench's own event loop. */
export type FakePlacement = 'child' | 'in-process';

/** A FakeZumRails, wherever it runs; every control call is async so both placements fit. */
export interface FakeHost {
  readonly placement: FakePlacement;
  readonly url: string;
  readonly username: string;
  readonly password: string;
  counters(): Promise<FakeZumRailsCounters>;
  reset(): Promise<void>;
  setTokenTtl(seconds: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startFake(
  placement: FakePlacement,
  options: FakeStartOptions = {},
): Promise<FakeHost> {
  return placement === 'child' ? ChildFake.start(options) : startInProcess(options);
}

async function startInProcess(options: FakeStartOptions): Promise<FakeHost> {
  const fake = await FakeZumRails.start({ ...options, maxRecordedRequests: 0 });
  return {
    placement: 'in-process',
    url: fake.url,
    username: fake.username,
    password: fake.password,
    counters: () => Promise.resolve(fake.counters),
    reset: () => Promise.resolve(fake.reset()),
    setTokenTtl: (seconds) => Promise.resolve(void (fake.tokenTtlSeconds = seconds)),
    stop: () => fake.stop(),
  };
}

type Pending = (reply: Extract<FakeReply, { type: 'reply' }>) => void;
type Command = FakeCommand extends infer C
  ? C extends FakeCommand
    ? Omit<C, 'id'>
    : never
  : never;

class ChildFake implements FakeHost {
  readonly placement = 'child';
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly username: string,
    readonly password: string,
  ) {
    child.on('message', (reply: FakeReply) => {
      if (reply.type !== 'reply') return;
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  static async start(options: FakeStartOptions): Promise<ChildFake> {
    const script = new URL('./fake-child.js', import.meta.url);
    const child = fork(script, [JSON.stringify(options)], { execArgv: [], stdio: 'inherit' });
    const ready = await new Promise<Extract<FakeReply, { type: 'ready' }>>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`fake child exited early (${code})`)));
      child.once('message', (reply: FakeReply) => {
        if (reply.type === 'ready') resolve(reply);
        else reject(new Error('fake child: unexpected first message'));
      });
    });
    child.removeAllListeners('exit');
    child.removeAllListeners('error');
    return new ChildFake(child, ready.url, ready.username, ready.password);
  }

  async counters(): Promise<FakeZumRailsCounters> {
    const reply = await this.call({ cmd: 'counters' });
    if (!reply.counters) throw new Error('fake child: no counters');
    return reply.counters;
  }

  async reset(): Promise<void> {
    await this.call({ cmd: 'reset' });
  }

  async setTokenTtl(seconds: number): Promise<void> {
    await this.call({ cmd: 'ttl', seconds });
  }

  async stop(): Promise<void> {
    if (!this.child.connected) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call({ cmd: 'stop' });
    await exited;
  }

  private call(command: Command): Promise<Extract<FakeReply, { type: 'reply' }>> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) =>
        reply.error ? reject(new Error(`fake child: ${reply.error}`)) : resolve(reply),
      );
      this.child.send({ ...command, id } as FakeCommand);
    });
  }
}
