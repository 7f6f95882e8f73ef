import { Controller, Get } from '@nestjs/common';
import type { ZumRailsWallet } from 'nestjs-zumrails-auth';
import { WalletsService } from './wallets.service.js';

@Controller('wallets')
export class WalletsController {
  constructor(private readonly wallets: WalletsService) {}

  @Get()
  list(): Promise<ZumRailsWallet[]> {
    return this.wallets.list();
  }
}
