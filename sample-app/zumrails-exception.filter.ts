import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ZumRailsAuthError, ZumRailsHttpError } from 'nestjs-zumrails-auth';

/**
 * Turns library errors into honest HTTP answers: no token → 503, an error answer from Zum Rails
 * → 502 with the vendor's message. Both error types are secret-free, so echoing them is safe.
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
      message: error.zumRailsMessage ?? error.message,
    });
  }
}
