import type { InjectionToken, Provider } from '@nestjs/common';
import axios, { type AxiosInstance } from 'axios';
import { ModuleLogger } from '../logging/module-logger.js';
import { ZumRailsMetrics } from '../metrics/zumrails-metrics.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import type { TokenService } from '../token/token.service.js';
import { ZumRailsTransport } from '../transport/zumrails-transport.js';
import { RESOLVED_OPTIONS } from '../options/option-tokens.js';
import { DEFAULT_OPTIONS } from '../options/defaults.js';
import { showOnly } from '../util/safe-to-log.js';
import { ApiRateLimiter } from '../ratelimit/api-rate-limiter.js';
import { attachRequestDeadline } from './request-deadline.js';
import { attachZumRailsAuth, type ZumRailsTokenSource } from './attach-zumrails-auth.js';
import { ZumRailsHttpService } from './zumrails-http.service.js';
import { ZumRailsClient } from './zumrails.client.js';

/** A new axios instance for API calls, never the global one nor the app's `HttpService` one. */
function createZumRailsAxios(
  options: ResolvedZumRailsAuthOptions,
  tokens: ZumRailsTokenSource,
  transport: ZumRailsTransport,
  logger: ModuleLogger,
  metrics: ZumRailsMetrics,
  rateLimiter: ApiRateLimiter,
): AxiosInstance {
  const instance = axios.create({
    ...transport.axiosConfig,
    baseURL: options.baseUrl,
    timeout: options.requestTimeoutMs,
    headers: { 'Content-Type': 'application/json' },
    // Counted after decompression; a request may raise it with its own maxContentLength.
    maxContentLength: DEFAULT_OPTIONS.apiMaxContentLength,
  });
  // Its agents' sockets hold past requests with their headers: show the instance by its URL.
  showOnly(instance, 'AxiosInstance', () => ({ baseURL: options.baseUrl }));
  // Before the auth interceptors: see attachRequestDeadline.
  attachRequestDeadline(instance, options.requestTimeoutMs);
  attachZumRailsAuth(instance, tokens, {
    apiRetry: options.apiRetry,
    requestTimeoutMs: options.requestTimeoutMs,
    logger,
    metrics,
    rateLimiter,
  });
  return instance;
}

/**
 * The account's `rateLimits` (a class token, private to the account's module), registered on
 * its `TokenService` so an app's own `attachZumRailsAuth(instance, tokens)` shares the budget.
 */
export function apiRateLimiterProvider(tokenService: InjectionToken<TokenService>): Provider {
  return {
    provide: ApiRateLimiter,
    useFactory: (
      options: ResolvedZumRailsAuthOptions,
      tokens: TokenService,
      logger: ModuleLogger,
      metrics: ZumRailsMetrics,
    ) => new ApiRateLimiter(options, logger, metrics).register(tokens),
    inject: [RESOLVED_OPTIONS, tokenService, ModuleLogger, ZumRailsMetrics],
  };
}

/**
 * The module's `ZumRailsHttpService`, under `token` (the class for the default account), on
 * the `TokenService` under `tokenService`.
 */
export function zumRailsHttpServiceProvider(
  token: InjectionToken<ZumRailsHttpService>,
  tokenService: InjectionToken<TokenService>,
): Provider {
  return {
    provide: token,
    useFactory: (
      options: ResolvedZumRailsAuthOptions,
      tokens: TokenService,
      transport: ZumRailsTransport,
      logger: ModuleLogger,
      metrics: ZumRailsMetrics,
      limiter: ApiRateLimiter,
    ) =>
      new ZumRailsHttpService(
        createZumRailsAxios(options, tokens, transport, logger, metrics, limiter),
      ),
    inject: [
      RESOLVED_OPTIONS,
      tokenService,
      ZumRailsTransport,
      ModuleLogger,
      ZumRailsMetrics,
      ApiRateLimiter,
    ],
  };
}

/** The account's promise client, under `token`, on the axios instance of its `http` service. */
export function zumRailsClientProvider(
  token: InjectionToken<ZumRailsClient>,
  http: InjectionToken<ZumRailsHttpService>,
): Provider {
  return {
    provide: token,
    useFactory: (service: ZumRailsHttpService) => new ZumRailsClient(service.axiosRef),
    inject: [http],
  };
}
