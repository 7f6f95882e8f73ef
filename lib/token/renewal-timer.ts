import type { SchedulerRegistry } from '@nestjs/schedule';
import { clampDelay } from './renewal-plan.js';

let instances = 0;

/**
 * The one renewal timer of a TokenService: a named timeout in `SchedulerRegistry`, replaced
 * (never stacked), unref'd so it never keeps the process alive.
 */
export class RenewalTimer {
  /** Unique per instance so several modules (or tests) never collide in a shared registry. */
  readonly name: string;

  constructor(
    private readonly registry: SchedulerRegistry,
    account: string,
  ) {
    this.name = `zumrails-auth:renewal:${account}:${++instances}`;
  }

  schedule(delayMs: number, task: () => void): void {
    this.clear();
    const handle = setTimeout(() => {
      this.clear();
      task();
    }, clampDelay(delayMs));
    handle.unref();
    this.registry.addTimeout(this.name, handle);
  }

  get isScheduled(): boolean {
    return this.registry.doesExist('timeout', this.name);
  }

  clear(): void {
    if (this.isScheduled) this.registry.deleteTimeout(this.name);
  }
}
