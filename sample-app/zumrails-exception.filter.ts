import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ZumRailsApiError, ZumRailsAuthError, ZumRailsHttpError } from 'nestjs-zumrails-auth';

/**
 * Turns library errors into honest HTTP answers: no token → 503, an error answer from Zum Rails
 * (a ZumRailsApiError, HTTP 200 with `isError: true` included) or no usable answer → 502 with
 * the vendor's text. Every library error is secret-free, so echoing its fields is safe.
 */
@Catch(ZumRailsAuthError, ZumRailsHttpError)
export class ZumRailsExceptionFilter implements ExceptionFilter {
  catch(error: ZumRailsAuthError | ZumRailsHttpError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{
      status(code: number): { json(body: unknown): void };
    }>();
    if (error instanceof ZumRailsAuthError) {
      response
        .status(HttpStatus.SERVICE_UNAVAILABLE)
        .json({ error: error.code, message: error.message });
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
