import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import {
  getZumRailsTokenServiceToken,
  InjectZumRailsTokenService,
  ZumRailsTokenService,
  ZumRailsAuthModule,
  ZumRailsConfigError,
} from '../../lib/index.js';
import type { FakeZumRails } from '../../lib/testing/index.js';
import { fakeOptions } from '../support/auth-app.js';
import { accountModule, startApp, startFakes } from '../support/accounts-app.js';
import { rejectionOf } from '../support/zumrails-assertions.js';

let fakes: Record<'one' | 'two', FakeZumRails>;
let app: INestApplicationContext | undefined;

beforeEach(async () => {
  fakes = await startFakes({ one: {}, two: {} });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const fake of Object.values(fakes)) await fake.stop();
});

/** The ZumRailsConfigError a start fails with; fails the test when it starts. */
async function startupError(imports: Parameters<typeof startApp>[0]['imports']) {
  const error = await rejectionOf(startApp({ imports }));
  expect(error).toBeInstanceOf(ZumRailsConfigError);
  return error as ZumRailsConfigError;
}

@Injectable()
class NeedsTokens {
  constructor(readonly tokens: ZumRailsTokenService) {}
}

describe('account configuration errors', () => {
  it('fails the start when two forRoot share a name, even in different modules', async () => {
    @Module({ imports: [accountModule('payouts', fakes.two)] })
    class FeatureModule {}
    const error = await startupError([accountModule('payouts', fakes.one), FeatureModule]);
    expect(error.field).toBe('name');
    expect(error.message).toContain('the account "payouts" is configured twice');
  });

  it('fails the start when one module imports two unnamed accounts', async () => {
    const error = await startupError([
      accountModule('default', fakes.one),
      accountModule('default', fakes.two),
    ]);
    expect(error.message).toContain('RootTestModule imports two ZumRailsAuthModule.forRoot()');
  });

  it('counts a global unnamed account in every module scope', async () => {
    @Module({ imports: [accountModule('default', fakes.two)], providers: [NeedsTokens] })
    class FeatureModule {}
    const error = await startupError([
      accountModule('default', fakes.one, { isGlobal: true }),
      FeatureModule,
    ]);
    expect(error.message).toContain('FeatureModule imports two');
  });

  it('still allows an unnamed account per feature module, each injected there', async () => {
    @Module({ imports: [accountModule('default', fakes.one)], providers: [NeedsTokens] })
    class OneModule {}
    @Injectable()
    class NeedsOtherTokens {
      constructor(readonly tokens: ZumRailsTokenService) {}
    }
    @Module({ imports: [accountModule('default', fakes.two)], providers: [NeedsOtherTokens] })
    class TwoModule {}
    app = await startApp({ imports: [OneModule, TwoModule] });
    expect(fakes.one.isTokenValid(await app.get(NeedsTokens).tokens.getToken())).toBe(true);
    expect(fakes.two.isTokenValid(await app.get(NeedsOtherTokens).tokens.getToken())).toBe(true);
  });

  it('says what to write when ZumRailsAuthModule is imported without forRoot', async () => {
    @Module({ imports: [ZumRailsAuthModule], providers: [NeedsTokens] })
    class FeatureModule {}
    const error = await startupError([accountModule('default', fakes.one), FeatureModule]);
    expect(error.field).toBe('forRoot');
    expect(error.message).toContain('FeatureModule imports ZumRailsAuthModule itself');
    expect(error.message).toContain('ZumRailsAuthModule.forRoot({ ... }) or forRootAsync({ ... })');
  });

  it('fails a bare import even when nothing injects from it', async () => {
    @Module({ imports: [ZumRailsAuthModule] })
    class FeatureModule {}
    const error = await startupError([FeatureModule]);
    expect(error.message).toContain('FeatureModule imports ZumRailsAuthModule itself');
  });

  it('names the missing account when a decorator asks for one nobody configured', async () => {
    @Injectable()
    class NeedsPayouts {
      constructor(@InjectZumRailsTokenService('payouts') readonly tokens: ZumRailsTokenService) {}
    }
    const error = await rejectionOf(
      startApp({ imports: [accountModule('default', fakes.one)], providers: [NeedsPayouts] }),
    );
    expect(String(error)).toContain('ZumRailsAuth:payouts:TokenService');
  });

  it('rejects an invalid name where forRoot is called, and a name inside the async options', async () => {
    for (const name of ['', 'pay outs', '-x', 'a'.repeat(65), 42]) {
      expect(() =>
        ZumRailsAuthModule.forRoot({ name: name as string, ...fakeOptions(fakes.one) }),
      ).toThrow(ZumRailsConfigError);
    }
    expect(() => getZumRailsTokenServiceToken('pay/outs')).toThrow(ZumRailsConfigError);
    expect(getZumRailsTokenServiceToken('default')).toBe(ZumRailsTokenService);
    const error = await startupError([
      ZumRailsAuthModule.forRootAsync({
        useFactory: () => ({ ...fakeOptions(fakes.one), name: 'payouts' }),
      }),
    ]);
    expect(error.field).toBe('name');
    expect(error.message).toContain('forRootAsync({ name, useFactory })');
  });
});
