import { describe, expect, it } from '@jest/globals';

// Pins the runtime public surface: adding or removing an export is a deliberate change here.
describe('public exports', () => {
  it('lib/index.ts exports exactly the documented runtime values', async () => {
    const surface = await import('../../lib/index.js');
    expect(Object.keys(surface).sort()).toEqual([
      'InMemoryTokenStore',
      'InjectTokenService',
      'InjectZumRailsClient',
      'InjectZumRailsHttpService',
      'RedisTokenStore',
      'TokenService',
      'ZUMRAILS_ENVIRONMENTS',
      'ZUMRAILS_SIGNATURE_HEADER',
      'ZumRailsApiError',
      'ZumRailsAuthError',
      'ZumRailsAuthModule',
      'ZumRailsBadResponseError',
      'ZumRailsClient',
      'ZumRailsConfigError',
      'ZumRailsCredentialsRejectedError',
      'ZumRailsCrossOriginError',
      'ZumRailsHealthIndicator',
      'ZumRailsHttpError',
      'ZumRailsHttpService',
      'ZumRailsInternalError',
      'ZumRailsRateLimitedError',
      'ZumRailsShutDownError',
      'ZumRailsTokenUnavailableError',
      'ZumRailsUnavailableError',
      'ZumRailsWebhookEvent',
      'ZumRailsWebhookGuard',
      'ZumRailsWebhookModule',
      'attachZumRailsAuth',
      'getTokenServiceToken',
      'getZumRailsClientToken',
      'getZumRailsHttpServiceToken',
      'verifyZumRailsSignature',
    ]);
  });

  it('the testing entry exports only FakeZumRails', async () => {
    const testing = await import('../../lib/testing/index.js');
    expect(Object.keys(testing)).toEqual(['FakeZumRails']);
  });
});
