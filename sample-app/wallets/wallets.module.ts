import { Module } from '@nestjs/common';
import { WalletsController } from './wallets.controller.js';
import { WalletsService } from './wallets.service.js';

@Module({ controllers: [WalletsController], providers: [WalletsService] })
export class WalletsModule {}
