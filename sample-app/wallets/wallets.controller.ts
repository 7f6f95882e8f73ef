import { Controller, Get } from '@nestjs/common';
import { WalletsService, type Wallet } from './wallets.service.js';

@Controller('wallets')
export class WalletsController {
  constructor(private readonly wallets: WalletsService) {}

  @Get()
  list(): Promise<Wallet[]> {
    return this.wallets.list();
  }
}
