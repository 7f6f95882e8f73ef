import { Injectable } from '@nestjs/common';
import { ZumRailsHttpService } from 'nestjs-zumrails-auth';
import { firstValueFrom } from 'rxjs';

/** One wallet as Zum Rails returns it (`GET /api/wallet`). */
export interface Wallet {
  Id: string;
  Type: string;
  Balance: number;
  Currency: string;
}

interface Envelope<T> {
  result: T;
}

@Injectable()
export class WalletsService {
  constructor(private readonly zumRails: ZumRailsHttpService) {}

  /** The company's wallets. The bearer token is attached and renewed by the library. */
  async list(): Promise<Wallet[]> {
    const response = await firstValueFrom(this.zumRails.get<Envelope<Wallet[]>>('/api/wallet'));
    return response.data.result;
  }
}
