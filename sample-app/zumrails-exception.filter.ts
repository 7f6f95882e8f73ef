import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import {
  ZumRailsApiError,
  ZumRailsAuthError,
  ZumRailsHttpError,
  ZumRailsRateLimitedError,
  type ZumRailsAuthErrorCode,
} from 'nestjs-zumrails-auth';

/**
 * Our answer to each library error. Never 401/403: our caller's credentials are not the ones
 * Zum Rails refused. 503 while no token is to be had for now (retry later); 502 when Zum Rails
 * answered with a refusal or something unusable; 500 for a fault of this app.
 */
const STATUS_OF: Record<ZumRailsAuthErrorCode, HttpStatus> = {
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  'rate-limited': HttpStatus.SERVICE_UNAVAILABLE,
  'token-unavailable': HttpStatus.SERVICE_UNAVAILABLE,
  'shut-down': HttpStatus.SERVICE_UNAVAILABLE,
  'credentials-rejected': HttpStatus.BAD_GATEWAY,
  'blocked-by-intermediary': HttpStatus.BAD_GATEWAY,
  'bad-response': HttpStatus.BAD_GATEWAY,
  config: HttpStatus.INTERNAL_SERVER_ERROR,
  'cross-origin': HttpStatus.INTERNAL_SERVER_ERROR,
  internal: HttpStatus.INTERNAL_SERVER_ERROR,
};

interface HttpResponse {
  setHeader(name: string, value: string): void;
  status(code: number): { json(body: unknown): void };
}

/**
 * Turns library errors into honest HTTP answers: a `ZumRailsAuthError` by its `code` (see
 * STATUS_OF; a rate limit adds `Retry-After`), an error answer from Zum Rails to an API call (a
 * ZumRailsApiError, HTTP 200 with `isError: true` included) or no usable answer → 502 with the
 * vendor's text. Every library error is secret-free, so echoing its fields is safe.
 */
@Catch(ZumRailsAuthError, ZumRailsHttpError)
export class ZumRailsExceptionFilter implements ExceptionFilter {
  catch(error: ZumRailsAuthError | ZumRailsHttpError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    if (error instanceof ZumRailsAuthError) {
      if (error instanceof ZumRailsRateLimitedError)
        response.setHeader('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
      // `status`: what Zum Rails answered, when it did (e.g. 401 to the login).
      response
        .status(STATUS_OF[error.code])
        .json({ error: error.code, status: error.status, message: error.message });
      return;
    }
    response.status(HttpStatus.BAD_GATEWAY).json({
      error: 'zumrails-api',
      status: error.status,
      ...(error instanceof ZumRailsApiError
        ? { statusCode: error.statusCode, traceId: error.traceId }
        : {}),
      message: error.zumRailsMessage ?? error.message,
    });
  }
}
