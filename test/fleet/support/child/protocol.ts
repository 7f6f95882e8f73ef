import type { RedisOptions } from 'ioredis';
import type { ZumRailsAuthOptions } from '../../../../lib/index.js';

/** What the parent passes to a child replica (as JSON in FLEET_CHILD_CONFIG). */
export interface ChildConfig {
  fakeUrl: string;
  username: string;
  password: string;
  /** Plain ioredis options (host, port, keyPrefix...) from RedisServer.connection(). */
  redis: RedisOptions;
  callEveryMs: number;
  /** JSON-serialisable module options (no store). */
  options: Partial<ZumRailsAuthOptions>;
}

/** A token event as a child reports it. */
export interface ChildEvent {
  type: string;
  origin?: 'login' | 'store';
  fingerprint?: string;
}

export type ChildMessage =
  | { type: 'event'; event: ChildEvent }
  | { type: 'ready'; pid: number; token: string }
  | { type: 'stats'; calls: number; failures: string[] };

export type ParentMessage = { type: 'stop' };
