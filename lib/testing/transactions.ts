import { randomUUID } from 'node:crypto';
import { errorEnvelope, successEnvelope } from './envelopes.js';
import { isRecord } from './routes.js';

/** Keys longer than this are refused, as the real API documents (UUIDs recommended). */
const MAX_KEY_LENGTH = 36;
/** Bounds the memory of a long-running fake: the oldest transactions and keys go first. */
const MAX_TRANSACTIONS = 10_000;

/** An answer of the transaction endpoints: HTTP status and JSON envelope. */
interface TransactionAnswer {
  readonly status: number;
  readonly envelope: Record<string, unknown>;
}

/** What the transaction endpoints have done; merged into the fake's counters. */
interface TransactionStats {
  transactionsCreated: number;
  idempotentReplays: number;
}

/**
 * `POST /api/transaction` and `GET /api/transaction/{id}` of the fake (internal). A POST with
 * an `idempotency-key` already seen gets the first answer again and creates nothing.
 */
export class TransactionBook {
  private readonly byId = new Map<string, Record<string, unknown>>();
  private readonly byKey = new Map<string, TransactionAnswer>();

  /** Creates a transaction from `body`, or replays the answer given to the same key. */
  create(
    body: unknown,
    key: string | undefined,
    stats: TransactionStats,
    now: number,
  ): TransactionAnswer {
    if (key !== undefined && key.length > MAX_KEY_LENGTH) {
      return refuse(400, `idempotency-key must be at most ${MAX_KEY_LENGTH} characters`);
    }
    const replay = key === undefined ? undefined : this.byKey.get(key);
    if (replay !== undefined) {
      stats.idempotentReplays++;
      return replay;
    }
    if (!isRecord(body))
      return refuse(400, 'Request responded with one or more validation errors.');
    const transaction = {
      ...body,
      Id: randomUUID(),
      TransactionStatus: 'InProgress',
      CreatedAt: new Date(now).toISOString(),
    };
    remember(this.byId, transaction.Id, transaction);
    stats.transactionsCreated++;
    const answer = { status: 200, envelope: successEnvelope('POST', transaction) };
    if (key !== undefined) remember(this.byKey, key, answer);
    return answer;
  }

  /** The transaction `id`, or the vendor's 404 envelope. */
  find(id: string): TransactionAnswer {
    const transaction = this.byId.get(id);
    return transaction === undefined
      ? refuse(404, 'Transaction not found')
      : { status: 200, envelope: successEnvelope('GET', transaction) };
  }

  /** Replaces every transaction (keys seen are kept); each gets an `Id` unless it has one. */
  replace(transactions: readonly unknown[]): void {
    this.byId.clear();
    for (const item of transactions) {
      const transaction = { Id: randomUUID(), ...(isRecord(item) ? item : {}) };
      remember(this.byId, String(transaction.Id), transaction);
    }
  }

  /** Every transaction created, oldest first. */
  all(): Record<string, unknown>[] {
    return [...this.byId.values()];
  }
}

function refuse(status: number, message: string): TransactionAnswer {
  return { status, envelope: errorEnvelope(status, message) };
}

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  if (map.size >= MAX_TRANSACTIONS) map.delete(map.keys().next().value as string);
  map.set(key, value);
}
