import type { FakeZumRailsCounters } from 'nestjs-zumrails-auth/testing';

/** Parent → child: one command for the fake the child hosts. */
export type FakeCommand =
  | { id: number; cmd: 'counters' }
  | { id: number; cmd: 'reset' }
  | { id: number; cmd: 'ttl'; seconds: number }
  | { id: number; cmd: 'stop' };

/** Child → parent: the fake is listening, or the answer to one command. */
export type FakeReply =
  | { type: 'ready'; url: string; username: string; password: string }
  | { type: 'reply'; id: number; counters?: FakeZumRailsCounters; error?: string };

/** What a bench starts a fake with. */
export interface FakeStartOptions {
  tokenTtlSeconds?: number;
}
