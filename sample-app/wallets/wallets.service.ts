import { Injectable } from '@nestjs/common';
import { ZumRailsClient, type ZumRailsWallet } from 'nestjs-zumrails-auth';

@Injectable()
export class WalletsService {
  constructor(private readonly zumRails: ZumRailsClient) {}

  /**
   * The company's wallets: the envelope's `result`, typed. The bearer token is attached and
   * renewed by the library; a GET is retried on 502/503/504 and resets.
   */
  list(): Promise<ZumRailsWallet[]> {
    return this.zumRails.get<ZumRailsWallet[]>('/api/wallet');
  }
}
