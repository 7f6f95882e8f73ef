import { Injectable } from '@nestjs/common';
import { TokenService } from '../token/token.service.js';
import { logTokenEvent } from '../token/token-event.log.js';
import { ModuleLogger } from './module-logger.js';

/** Writes one log line per token event; `events$` flows whether or not anything is logged. */
@Injectable()
export class TokenEventLogger {
  constructor(tokens: TokenService, logger: ModuleLogger) {
    // The subscription ends with the stream, which TokenService completes at shutdown.
    tokens.events$.subscribe((event) => logTokenEvent(logger, event));
  }
}
