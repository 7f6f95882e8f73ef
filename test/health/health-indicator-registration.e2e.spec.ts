import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { ZumRailsHealthIndicator } from '../../lib/index.js';
import type { FakeZumRails } from '../../lib/testing/index.js';
import { accountModule, startApp, startFakes } from '../support/accounts-app.js';
import { rejectionOf } from '../support/zumrails-assertions.js';

let fakes: Record<'default' | 'payouts', FakeZumRails>;
let app: INestApplicationContext | undefined;

beforeEach(async () => {
  fakes = await startFakes({ default: {}, payouts: {} });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await Promise.all(Object.values(fakes).map((fake) => fake.stop()));
});

/** The terminus habit: the app lists the indicator in its own health module's providers. */
async function healthOf(imports: Parameters<typeof Module>[0]['imports']) {
  @Module({ imports, providers: [ZumRailsHealthIndicator] })
  class HealthModule {}
  app = await startApp({ imports: [HealthModule] });
  return app.select(HealthModule).get(ZumRailsHealthIndicator, { strict: true });
}

describe('ZumRailsHealthIndicator listed in the providers of an app module', () => {
  it('reports the default account and a named one, each logging in at its own Zum Rails', async () => {
    const health = await healthOf([
      accountModule('default', fakes.default),
      accountModule('payouts', fakes.payouts, { isGlobal: true }),
    ]);
    expect((await health.isHealthy()).zumrails).toMatchObject({ status: 'up', account: 'default' });
    const payouts = await health.isHealthy('p', { account: 'payouts' });
    expect(payouts.p).toMatchObject({ status: 'up', account: 'payouts' });
    expect(fakes.default.counters.logins).toBe(1);
    expect(fakes.payouts.counters.logins).toBe(1);
  });

  it('starts beside named accounts only, and says so when asked for the default one', async () => {
    const health = await healthOf([accountModule('payouts', fakes.payouts)]);
    const payouts = await health.isHealthy('p', { account: 'payouts' });
    expect(payouts.p).toMatchObject({ status: 'up', account: 'payouts' });
    expect(String(await rejectionOf(health.isHealthy()))).toContain('no default account');
  });
});
