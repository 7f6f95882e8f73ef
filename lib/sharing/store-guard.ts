import { logRecord } from '../logging/log-record.js';
import type { RecordLogger } from '../logging/module-logger.js';
import type { ZumRailsStoreState } from '../token/token-status.js';
import { withDeadline } from '../util/deferred.js';
import type { RecordProblem } from './token-record.js';
import type { ZumRailsTokenStore } from '../store/token-store.interface.js';

/** A store call's result, or the fact that the store did not answer usefully in time. */
export type StoreOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

const PROBLEMS: Record<RecordProblem, string> = {
  'encrypted-without-key':
    'The shared token record is encrypted but storeEncryptionKey is not set; ignoring it (give every replica the same key)',
  'plaintext-with-key':
    'The shared token record is not encrypted but storeEncryptionKey is set; ignoring it (a replica without the key wrote it?)',
  unreadable:
    'The shared token record cannot be read (another storeEncryptionKey, or not written by this library); ignoring it',
};

/**
 * Every store call goes through here: bounded by `storeTimeoutMs`, errors turned into
 * `{ ok: false }` (never thrown at a caller), and one warning when the store stops answering,
 * one line when it answers again.
 */
export class StoreGuard {
  private healthy = true;
  private readonly reported = new Set<RecordProblem>();

  constructor(
    private readonly store: ZumRailsTokenStore,
    private readonly timeoutMs: number,
    private readonly logger: RecordLogger,
  ) {}

  get state(): ZumRailsStoreState {
    return this.healthy ? 'ok' : 'degraded';
  }

  async run<T>(
    operation: string,
    call: (store: ZumRailsTokenStore) => Promise<T>,
  ): Promise<StoreOutcome<T>> {
    try {
      const attempt = Promise.resolve().then(() => call(this.store));
      const value = await withDeadline(
        attempt,
        this.timeoutMs,
        () => new Error(`no answer within ${this.timeoutMs} ms`),
      );
      this.answered();
      return { ok: true, value };
    } catch (error) {
      this.failed(operation, error);
      return { ok: false };
    }
  }

  /** Warns once per kind about a stored record this replica cannot use. */
  reportRecordProblem(problem: RecordProblem): void {
    if (this.reported.has(problem)) return;
    this.reported.add(problem);
    this.logger.warn(logRecord('store-record-unusable', PROBLEMS[problem], { problem }));
  }

  private answered(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.logger.log(
      logRecord('store-recovered', 'Token store answers again; the token is shared through it'),
    );
  }

  private failed(operation: string, error: unknown): void {
    if (!this.healthy) return;
    this.healthy = false;
    const reason = describe(error);
    this.logger.warn(
      logRecord(
        'store-unavailable',
        `Token store unavailable (${operation}: ${reason}); this replica logs in on its own until the store answers again`,
        { operation, reason },
      ),
    );
  }
}

/** A short, secret-free description: store errors never carry our arguments, but keep it short. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 160);
}
