import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import {
  ZumRailsAuthModule,
  ZumRailsConfigError,
  type ZumRailsAuthOptions,
} from '../../lib/index.js';
import { fakeOptions } from '../support/auth-app.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { LogCapture } from '../support/log-capture.js';
import { expectNoSecrets, rejectionOf } from '../support/zumrails-assertions.js';

const PASSWORD = '271828182845';

describe('a configuration with swapped settings', () => {
  const fixture = useFakeZumRails({ password: PASSWORD });

  /** Boots the module the way an app does and returns what failed and what was logged. */
  async function boot(overrides: Record<string, unknown>): Promise<[unknown, LogCapture]> {
    const logs = new LogCapture();
    const options = { ...fakeOptions(fixture.fake), ...overrides } as ZumRailsAuthOptions;
    const error = await rejectionOf(
      Test.createTestingModule({ imports: [ZumRailsAuthModule.forRoot(options)] })
        .setLogger(logs)
        .compile()
        .then((moduleRef) => moduleRef.init()),
    );
    return [error, logs];
  }

  it.each<[string, Record<string, unknown>]>([
    ['environment', { baseUrl: undefined, environment: PASSWORD }],
    ['startup', { startup: PASSWORD }],
    ['revokeOnShutdown', { revokeOnShutdown: PASSWORD }],
    ['requestTimeoutMs', { requestTimeoutMs: Number(PASSWORD) }],
    ['storeTimeoutMs', { storeTimeoutMs: Number(PASSWORD) }],
    ['baseUrl', { baseUrl: PASSWORD }],
    ['baseUrl', { baseUrl: `ftp://${PASSWORD}.example.com` }],
  ])('never echoes the password put in %s', async (field, overrides) => {
    const [error, logs] = await boot(overrides);
    expect(error).toBeInstanceOf(ZumRailsConfigError);
    expect(error).toMatchObject({ field });
    await expectNoSecrets([PASSWORD], { errors: [error], values: { logs: logs.text() } });
  });

  it.each<[string, unknown, RegExp]>([
    ['environment', 'Sandbox-EU', /got 'Sa…' \(10 characters\)/],
    ['startup', 'eager', /got 'ea…' \(5 characters\)/],
    ['revokeOnShutdown', 'yes', /got '…' \(3 characters\)/],
    ['environment', 42, /got 42/],
  ])('shows at most a short masked preview of a wrong %s', async (field, value, shown) => {
    const overrides = field === 'environment' ? { baseUrl: undefined } : {};
    const [error] = await boot({ ...overrides, [field]: value });
    expect(error).toMatchObject({ field });
    expect((error as Error).message).toMatch(shown);
  });

  it('says so when a value is the password', async () => {
    const [error] = await boot({ startup: PASSWORD });
    expect((error as Error).message).toMatch(/the value of the password option/);
  });

  it('does not take a value merely containing a short password for the password', async () => {
    // 127.0.0.1 contains the one-letter password: the module starts all the same.
    const { url, username } = fixture.fake;
    const options = fakeOptions({ url, username, password: '1' });
    const moduleRef = await Test.createTestingModule({
      imports: [ZumRailsAuthModule.forRoot(options)],
    })
      .setLogger(new LogCapture())
      .compile();
    await (await moduleRef.init()).close();
    const [error] = await boot({ password: 'a', baseUrl: undefined, environment: 'sandbax' });
    expect(error).toMatchObject({ field: 'environment' });
    // Neither "the value of the password option" nor a preview that could show it.
    expect((error as Error).message).toMatch(/got a string of 7 characters$/);
  });
});
