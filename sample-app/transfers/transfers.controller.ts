import { BadRequestException, Body, Controller, Get, Headers, Param, Post } from '@nestjs/common';
import { TransfersService, type Transaction } from './transfers.service.js';

/** An idempotency key as Zum Rails accepts it: at most 36 characters (a UUID fits). */
const KEY = /^[\w-]{1,36}$/;

@Controller('transfers')
export class TransfersController {
  constructor(private readonly transfers: TransfersService) {}

  /**
   * `POST /transfers` with `{ "amount": 12.5, "memo": "..." }`; an `Idempotency-Key` header
   * makes a repeat of the same request return the same transaction instead of paying twice.
   */
  @Post()
  create(
    @Body() body: { amount?: unknown; memo?: unknown } | undefined,
    @Headers('idempotency-key') key: string | undefined,
  ): Promise<Transaction> {
    const amount = body?.amount;
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
      throw new BadRequestException('amount must be a positive number');
    }
    if (key !== undefined && !KEY.test(key)) {
      throw new BadRequestException('Idempotency-Key must be 1-36 letters, digits, _ or -');
    }
    const memo = typeof body?.memo === 'string' ? body.memo.slice(0, 200) : undefined;
    return this.transfers.create({ Amount: amount, ...(memo ? { Memo: memo } : {}) }, key);
  }

  @Get(':id')
  find(@Param('id') id: string): Promise<Transaction> {
    return this.transfers.find(id);
  }
}
