import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { ZumRailsHttpError } from '../../lib/index.js';
import { aspNetEscaped, urlEncoded } from '../support/echo-forms.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { clearProxyEnv, ForwardProxy } from '../support/forward-proxy.js';
import { expectNoSecrets, rejectionOf, secretsOf } from '../support/zumrails-assertions.js';

const PROXY_USER = 'egress-user';
const PROXY_PASSWORD = 'pr0xy+s3cret"é';
const WEBHOOK_SECRET = 'whsec-9f8e7d6c5b4a';

describe('the proxy password and the webhook secret', () => {
  const fixture = useFakeZumRails({}, { revokeOnShutdown: false });
  let proxy: ForwardProxy;
  let restoreEnv: () => void;

  beforeEach(async () => {
    restoreEnv = clearProxyEnv();
    proxy = await ForwardProxy.start(`${PROXY_USER}:${PROXY_PASSWORD}`);
  });
  afterEach(async () => {
    restoreEnv();
    await proxy.stop();
  });

  it('are redacted like the password when an API error echoes them', async () => {
    const subject = await fixture.start({
      webhookSecret: WEBHOOK_SECRET,
      transport: {
        proxy: {
          protocol: 'http',
          host: '127.0.0.1',
          port: proxy.port,
          auth: { username: PROXY_USER, password: PROXY_PASSWORD },
        },
      },
    });
    await firstValueFrom(subject.http.get('/api/wallet'));
    const basic = Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64');
    const echo = `proxy ${aspNetEscaped(PROXY_PASSWORD)} basic ${basic} hook ${urlEncoded(WEBHOOK_SECRET)}`;
    fixture.fake.failApi({
      kind: 'status',
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: `{"statusCode":400,"isError":true,"message":"${echo}"}`,
    });
    const error = await rejectionOf(firstValueFrom(subject.http.get('/api/wallet')));
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect((error as ZumRailsHttpError).vendorMessage).toBe(
      'proxy [REDACTED] basic [REDACTED] hook [REDACTED]',
    );
    await expectNoSecrets([PROXY_PASSWORD, basic, WEBHOOK_SECRET, ...secretsOf(fixture.fake)], {
      errors: [error],
      app: subject,
    });
  });
});
