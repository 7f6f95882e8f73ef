export { ZumRailsAuthModule } from './zumrails-auth.module.js';
export {
  getTokenServiceToken,
  getZumRailsTokenServiceToken,
  getZumRailsClientToken,
  getZumRailsHttpServiceToken,
} from './accounts/accounts.js';
export {
  InjectTokenService,
  InjectZumRailsTokenService,
  InjectZumRailsClient,
  InjectZumRailsHttpService,
} from './accounts/accounts.js';
export type {
  ZumRailsAuthAsyncOptions,
  ZumRailsAuthModuleOptions,
  ZumRailsAuthOptionsFactory,
} from './zumrails-auth.definition.js';
export type {
  ZumRailsAuthOptions,
  ZumRailsEnvironment,
  ZumRailsApiRetryOptions,
  ZumRailsRateLimitOptions,
  ZumRailsRateLimitRule,
  ZumRailsLoginRetryOptions,
  ZumRailsRetryOptions,
  ZumRailsStartupMode,
  ZumRailsTransportOptions,
  ZumRailsWebhookDeduplicateOptions,
  ZumRailsWebhookModuleOptions,
} from './options/zumrails-auth-options.interface.js';
export { ZUMRAILS_ENVIRONMENTS } from './options/option-spec.js';
export type { ZumRailsMeter, ZumRailsMeterProvider } from './metrics/zumrails-metrics.js';
export { TokenService, ZumRailsTokenService } from './token/token.service.js';
export { ZumRailsHttpService } from './http/zumrails-http.service.js';
export { attachZumRailsAuth } from './http/request-pipeline.js';
export type { AttachZumRailsAuthOptions, ZumRailsTokenSource } from './http/request-pipeline.js';
export { ZumRailsClient } from './http/zumrails.client.js';
export type { ZumRailsPaginateOptions } from './http/zumrails.client.js';
export type { ZumRailsEnvelope, ZumRailsPage, ZumRailsWallet } from './http/zumrails.client.js';
export type { ZumRailsSession } from './token/issued-token.js';
export type { ZumRailsTokenEvent, ZumRailsTokenEventType } from './token/token-events.js';
export type {
  ZumRailsFailureSummary,
  ZumRailsTokenOrigin,
  ZumRailsLoginBudgetStatus,
  ZumRailsStoreState,
  ZumRailsTokenState,
  ZumRailsTokenStatus,
} from './token/token-status.js';
export type {
  RateSlotAnswer,
  StoredValue,
  TokenStore,
  ZumRailsRateSlotAnswer,
  ZumRailsStoredValue,
  ZumRailsTokenStore,
} from './store/token-store.interface.js';
export type { ZumRailsRateLimitStatus } from './ratelimit/api-rate-limiter.js';
export { InMemoryTokenStore, ZumRailsInMemoryTokenStore } from './store/in-memory-token.store.js';
export { RedisTokenStore, ZumRailsRedisTokenStore } from './store/redis-token.store.js';
export type {
  RedisTokenStoreClient,
  ZumRailsRedisTokenStoreClient,
} from './store/redis-token.store.js';
export {
  ZumRailsAuthError,
  ZumRailsBadResponseError,
  ZumRailsBlockedByIntermediaryError,
  ZumRailsConfigError,
  ZumRailsCredentialsRejectedError,
  ZumRailsCrossOriginError,
  ZumRailsError,
  ZumRailsInternalError,
  ZumRailsRateLimitedError,
  ZumRailsShutDownError,
  ZumRailsTokenUnavailableError,
  ZumRailsTokenWaitTimeoutError,
  ZumRailsUnavailableError,
  ZumRailsWebhookError,
} from './errors/zumrails.errors.js';
export { ZumRailsApiError, ZumRailsHttpError } from './http/zumrails-http.error.js';
export type { ZumRailsAuthErrorCode, ZumRailsErrorFacts } from './errors/zumrails.errors.js';
export { ZUMRAILS_ERROR_CODES, ZumRailsExceptionFilter } from './errors/zumrails-error-codes.js';
export type {
  ZumRailsErrorCode,
  ZumRailsErrorCodeInfo,
  ZumRailsExceptionBody,
} from './errors/zumrails-error-codes.js';
export { ZumRailsHealthIndicator } from './health/zumrails-health.indicator.js';
export type {
  ZumRailsHealthCheckOptions,
  ZumRailsHealthDetails,
  ZumRailsHealthResult,
} from './health/zumrails-health.indicator.js';
export { verifyZumRailsSignature, ZUMRAILS_SIGNATURE_HEADER } from './webhooks/verify-signature.js';
export { ZumRailsWebhookGuard } from './webhooks/zumrails-webhook.guard.js';
export { ZumRailsWebhookEvent } from './webhooks/zumrails-webhook-event.decorator.js';
export { ZumRailsWebhookModule } from './webhooks/zumrails-webhook.module.js';
export type {
  ZumRailsWebhookModuleAsyncOptions,
  ZumRailsWebhookOptionsFactory,
} from './webhooks/zumrails-webhook.module.js';
export type {
  ZumRailsWebhookData,
  ZumRailsWebhookEventName,
  ZumRailsWebhookType,
} from './webhooks/zumrails-webhook-event.decorator.js';
