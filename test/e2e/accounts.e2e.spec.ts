import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { firstValueFrom } from 'rxjs';
import {
  getZumRailsTokenServiceToken,
  getZumRailsHttpServiceToken,
  InjectZumRailsTokenService,
  InjectZumRailsHttpService,
  ZumRailsTokenService,
  ZumRailsAuthModule,
  ZumRailsConfigError,
  ZumRailsHealthIndicator,
  ZumRailsHttpService,
  type ZumRailsAuthOptions,
  type ZumRailsTokenEvent,
} from '../../lib/index.js';
import type { FakeZumRails } from '../../lib/testing/index.js';
import { accountModule, startApp, startFakes } from '../support/accounts-app.js';
import { LogCapture } from '../support/log-capture.js';
import { bearerOf, rejectionOf, until } from '../support/zumrails-assertions.js';

const ACCOUNTS = ['default', 'payouts', 'collections'] as const;
type Account = (typeof ACCOUNTS)[number];

let fakes: Record<Account, FakeZumRails>;
let app: INestApplicationContext | undefined;

beforeEach(async () => {
  // The default account's token outlives the test; the named ones renew every second or so.
  fakes = await startFakes({
    default: {},
    payouts: { tokenTtlSeconds: 2 },
    collections: { tokenTtlSeconds: 3 },
  });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const fake of Object.values(fakes)) await fake.stop();
});

@Injectable()
class Payments {
  constructor(
    readonly defaultTokens: ZumRailsTokenService,
    @InjectZumRailsTokenService('payouts') readonly payoutTokens: ZumRailsTokenService,
    @InjectZumRailsHttpService('payouts') readonly payoutHttp: ZumRailsHttpService,
    readonly defaultHttp: ZumRailsHttpService,
  ) {}
}

function tokensOf(account: Account): ZumRailsTokenService {
  return app!.get(getZumRailsTokenServiceToken(account === 'default' ? undefined : account));
}

async function startThreeAccounts(
  logs = new LogCapture(),
  overrides: Partial<Record<Account, Partial<ZumRailsAuthOptions>>> = {},
) {
  app = await startApp(
    {
      imports: [
        ScheduleModule.forRoot(),
        ...ACCOUNTS.map((account) => accountModule(account, fakes[account], overrides[account])),
      ],
      providers: [Payments],
    },
    logs,
  );
  return app;
}

describe('several accounts in one app', () => {
  it('each account logs in to its own Zum Rails and renews on its own schedule', async () => {
    await startThreeAccounts();
    const events: ZumRailsTokenEvent[] = [];
    for (const account of ACCOUNTS) tokensOf(account).events$.subscribe((e) => events.push(e));
    for (const account of ACCOUNTS) {
      const token = await tokensOf(account).getToken();
      for (const other of ACCOUNTS)
        expect(fakes[other].isTokenValid(token)).toBe(other === account);
      expect(tokensOf(account).getStatus()).toMatchObject({ account, state: 'valid' });
    }
    const renewals = (account: Account) =>
      events.filter((event) => event.type === 'renewed' && event.account === account).length;
    // 2-s and 3-s tokens renew at about half their lifetime; the 1-h token not during the test.
    await until(() => renewals('payouts') >= 2 && renewals('collections') >= 1, 8_000);
    expect(renewals('default')).toBe(0);
    expect(fakes.default.counters.logins).toBe(1);
    expect(fakes.payouts.counters.logins).toBeGreaterThanOrEqual(3);
    expect(fakes.collections.counters.logins).toBeGreaterThanOrEqual(2);
    for (const fake of Object.values(fakes)) expect(fake.counters.failedLogins).toBe(0);
    // One renewal timer per account, in the app's registry, named after the account.
    const timers = app!.get(SchedulerRegistry).getTimeouts();
    for (const account of ACCOUNTS) {
      expect(
        timers.filter((name) => name.startsWith(`zumrails-auth:renewal:${account}:`)),
      ).toHaveLength(1);
    }
  });

  it('injects each account by decorator and by moduleRef.get(token); the classes are the default', async () => {
    await startThreeAccounts();
    const payments = app!.get(Payments);
    expect(payments.payoutTokens).toBe(app!.get(getZumRailsTokenServiceToken('payouts')));
    expect(payments.payoutHttp).toBe(app!.get(getZumRailsHttpServiceToken('payouts')));
    expect(payments.defaultTokens).toBe(app!.get(ZumRailsTokenService));
    expect(payments.defaultTokens).toBe(app!.get(getZumRailsTokenServiceToken()));
    expect(payments.defaultHttp).toBe(app!.get(getZumRailsHttpServiceToken('default')));
    expect(app!.get(ZumRailsTokenService).getStatus().account).toBe('default');
    expect(new Set(ACCOUNTS.map(tokensOf)).size).toBe(3);

    await firstValueFrom(payments.payoutHttp.get('/api/wallet'));
    const sent = bearerOf(fakes.payouts.lastRequest('/api/wallet'));
    expect(sent).toBe(await payments.payoutTokens.getToken());
    expect(fakes.default.counters.apiCalls).toBe(0);
    await firstValueFrom(payments.defaultHttp.get('/api/wallet'));
    expect(bearerOf(fakes.default.lastRequest('/api/wallet'))).toBe(
      await payments.defaultTokens.getToken(),
    );
    expect(fakes.payouts.counters.apiCalls).toBe(1);
  });

  it('keeps login counts, failures and status apart', async () => {
    await startThreeAccounts();
    fakes.payouts.failLogin({ kind: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    const failed = await rejectionOf(tokensOf('payouts').getToken());
    expect(failed).toMatchObject({ code: 'unavailable' });
    await tokensOf('default').getToken();
    await tokensOf('default').refresh();
    expect(tokensOf('payouts').getStatus()).toMatchObject({ account: 'payouts', state: 'failing' });
    expect(tokensOf('default').getStatus()).toMatchObject({ account: 'default', state: 'valid' });
    expect(tokensOf('collections').getStatus()).toMatchObject({ state: 'idle' });
    expect(fakes.default.counters.logins).toBe(2);
    expect(fakes.collections.counters.logins).toBe(0);
  });

  it('keeps a login budget per account', async () => {
    await startThreeAccounts(new LogCapture(), { payouts: { maxLoginsPerMinute: 2 } });
    const outcomes: unknown[] = [];
    for (let call = 0; call < 3; call++)
      outcomes.push(await rejectionOf(tokensOf('payouts').refresh()).catch(() => 'token'));
    expect(outcomes.slice(0, 2)).toEqual(['token', 'token']);
    expect(outcomes[2]).toMatchObject({ code: 'rate-limited', source: 'login-budget' });
    expect(fakes.payouts.counters.logins).toBe(2);
    // The other accounts' budgets are untouched by payouts' exhaustion.
    for (let call = 0; call < 3; call++) await tokensOf('default').refresh();
    expect(fakes.default.counters.logins).toBe(3);
    expect(tokensOf('payouts').getStatus().loginBudget).toMatchObject({
      maxPerMinute: 2,
      usedInLastMinute: 2,
    });
    expect(tokensOf('default').getStatus().loginBudget).toMatchObject({ usedInLastMinute: 3 });
    expect(tokensOf('collections').getStatus().loginBudget).toMatchObject({ usedInLastMinute: 0 });
  });

  it('logs under ZumRailsAuth:<name> and events carry the account', async () => {
    const logs = new LogCapture();
    await startThreeAccounts(logs);
    const acquired = firstValueFrom(tokensOf('payouts').events$);
    await tokensOf('payouts').getToken();
    expect(await acquired).toMatchObject({ type: 'acquired', account: 'payouts' });
    await tokensOf('default').getToken();
    const lines = logs.lines.filter((line) => line.message.startsWith('Token acquired'));
    expect(lines.map((line) => line.message.split(' ').at(-1)).sort()).toEqual([
      'ZumRailsAuth',
      'ZumRailsAuth:payouts',
    ]);
  });

  it('reports each account in health, by name', async () => {
    await startThreeAccounts();
    await tokensOf('payouts').getToken();
    const health = app!.get(ZumRailsHealthIndicator);
    const payouts = await health.isHealthy('zumrails-payouts', { account: 'payouts' });
    expect(payouts['zumrails-payouts']).toMatchObject({ status: 'up', account: 'payouts' });
    fakes.default.failLogin({ kind: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    const main = await health.isHealthy();
    expect(main.zumrails).toMatchObject({ status: 'down', account: 'default' });
    expect(fakes.collections.counters.logins).toBe(0);
    const unknown = await rejectionOf(health.isHealthy('x', { account: 'payout' }));
    expect(unknown).toBeInstanceOf(ZumRailsConfigError);
    expect(String(unknown)).toContain('no Zum Rails account "payout" is configured');
  });

  it("cancels each account's own token at its own Zum Rails on shutdown, per its revokeOnShutdown", async () => {
    await startThreeAccounts(new LogCapture(), { collections: { revokeOnShutdown: false } });
    const tokens = await Promise.all(ACCOUNTS.map((account) => tokensOf(account).getToken()));
    const registry = app!.get(SchedulerRegistry);
    expect(registry.getTimeouts()).toHaveLength(3);
    await app!.close();
    expect(registry.getTimeouts()).toEqual([]);
    app = undefined;
    ACCOUNTS.forEach((account, i) => {
      const revoked = account !== 'collections';
      expect(fakes[account].counters.cancels).toBe(revoked ? 1 : 0);
      expect(fakes[account].isTokenValid(tokens[i]!)).toBe(!revoked);
    });
  });
});

describe('named accounts through forRootAsync', () => {
  it('reads each account from ConfigService, injectable by name in a feature module', async () => {
    const env = {
      payouts: {
        url: fakes.payouts.url,
        user: fakes.payouts.username,
        pass: fakes.payouts.password,
      },
      collections: {
        url: fakes.collections.url,
        user: fakes.collections.username,
        pass: fakes.collections.password,
      },
    };
    const config = ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => env] });
    const fromConfig = (name: 'payouts' | 'collections') =>
      ZumRailsAuthModule.forRootAsync({
        name,
        isGlobal: true,
        imports: [config],
        inject: [ConfigService],
        useFactory: (settings: ConfigService) => ({
          baseUrl: settings.getOrThrow<string>(`${name}.url`),
          username: settings.getOrThrow<string>(`${name}.user`),
          password: settings.getOrThrow<string>(`${name}.pass`),
          startup: 'lazy',
        }),
      });
    @Injectable()
    class Settlement {
      constructor(
        @InjectZumRailsTokenService('payouts') readonly payouts: ZumRailsTokenService,
        @InjectZumRailsTokenService('collections') readonly collections: ZumRailsTokenService,
      ) {}
    }
    @Module({ providers: [Settlement] })
    class SettlementModule {}
    app = await startApp({
      imports: [fromConfig('payouts'), fromConfig('collections'), SettlementModule],
    });
    const settlement = app.get(Settlement);
    expect(fakes.payouts.isTokenValid(await settlement.payouts.getToken())).toBe(true);
    expect(fakes.collections.isTokenValid(await settlement.collections.getToken())).toBe(true);
    expect(() => app!.get(ZumRailsTokenService)).toThrow(); // no default account configured
    const health = app.get(ZumRailsHealthIndicator);
    expect((await health.isHealthy('p', { account: 'payouts' })).p.status).toBe('up');
    expect(String(await rejectionOf(health.isHealthy()))).toContain('no default account');
  });
});
