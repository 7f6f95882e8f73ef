import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import {
  getZumRailsClientToken,
  getZumRailsHttpServiceToken,
  InjectZumRailsClient,
  ZumRailsClient,
  ZumRailsConfigError,
  ZumRailsAuthModule,
  type ZumRailsWallet,
} from '../../lib/index.js';
import type { FakeZumRails } from '../../lib/testing/index.js';
import { accountModule, startApp, startFakes } from '../support/accounts-app.js';
import { bearerOf, rejectionOf } from '../support/zumrails-assertions.js';

let fakes: Record<'default' | 'payouts', FakeZumRails>;
let app: INestApplicationContext | undefined;

beforeEach(async () => {
  fakes = await startFakes({ default: {}, payouts: {} });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const fake of Object.values(fakes)) await fake.stop();
});

@Injectable()
class Wallets {
  constructor(
    readonly collections: ZumRailsClient,
    @InjectZumRailsClient('payouts') readonly payouts: ZumRailsClient,
  ) {}
}

describe('ZumRailsClient per account', () => {
  it("injects each account's client, on that account's axios instance and token", async () => {
    fakes.payouts.setWallets([{ Id: 'p', Type: 'Operational', Balance: 5, Currency: 'CAD' }]);
    app = await startApp({
      imports: [accountModule('default', fakes.default), accountModule('payouts', fakes.payouts)],
      providers: [Wallets],
    });
    const wallets = app.get(Wallets);
    expect(wallets.payouts).toBe(app.get(getZumRailsClientToken('payouts')));
    expect(wallets.collections).toBe(app.get(getZumRailsClientToken()));
    expect(getZumRailsClientToken('default')).toBe(ZumRailsClient);
    const payoutHttp = app.get(getZumRailsHttpServiceToken('payouts'));
    expect((wallets.payouts as unknown as { axios: unknown }).axios).toBe(payoutHttp.axiosRef);

    const payoutWallets = await wallets.payouts.get<ZumRailsWallet[]>('/api/wallet');
    expect(payoutWallets.map((w) => w.Id)).toEqual(['p']);
    expect(await wallets.collections.get<ZumRailsWallet[]>('/api/wallet')).toHaveLength(2);
    expect(fakes.payouts.issuedTokens()).toContain(bearerOf(fakes.payouts.lastRequest()));
    expect(fakes.default.counters.apiCalls).toBe(1);
  });

  it('fails a bare import of ZumRailsAuthModule clearly when the client is injected', async () => {
    @Injectable()
    class NeedsClient {
      constructor(readonly client: ZumRailsClient) {}
    }
    const error = await rejectionOf(
      startApp({ imports: [ZumRailsAuthModule], providers: [NeedsClient] }),
    );
    expect(error).toBeInstanceOf(ZumRailsConfigError);
  });
});
