import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ZumRailsClient } from 'nestjs-zumrails-auth';

/** What the sample sends to `POST /api/transaction` (a few of the vendor's fields). */
export interface TransferRequest {
  Amount: number;
  Memo?: string;
}

/** The part of a Zum Rails transaction the sample shows. */
export interface Transaction {
  Id: string;
  Amount: number;
  Memo?: string;
  TransactionStatus: string;
  CreatedAt: string;
}

@Injectable()
export class TransfersService {
  constructor(private readonly zumRails: ZumRailsClient) {}

  /**
   * Creates a transaction with `idempotencyKey` (the caller's, or a new UUID): a retry of this
   * call, by the library or by the caller with the same key, never pays twice. A failure
   * reported by Zum Rails, even with HTTP 200 (`isError: true`, e.g. "Insufficient funds"),
   * rejects with a ZumRailsApiError (the exception filter answers 502 with the vendor text).
   */
  create(transfer: TransferRequest, idempotencyKey: string = randomUUID()): Promise<Transaction> {
    return this.zumRails.post<Transaction>('/api/transaction', transfer, {
      headers: { 'idempotency-key': idempotencyKey },
    });
  }

  /** One transaction by id (`GET /api/transaction/{id}`); a 404 from Zum Rails becomes a 502. */
  find(id: string): Promise<Transaction> {
    return this.zumRails.get<Transaction>(`/api/transaction/${encodeURIComponent(id)}`);
  }
}
