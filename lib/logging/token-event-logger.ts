import { Inject, Injectable } from '@nestjs/common';
import type { TokenService } from '../token/token.service.js';
import { ACCOUNT_TOKEN_SERVICE } from '../zumrails-auth.constants.js';
import { logTokenEvent } from '../token/token-event.log.js';
import { ModuleLogger } from './module-logger.js';

/** Writes one log line per token event; `events$` flows whether or not anything is logged. */
@Injectable()
export class TokenEventLogger {
  constructor(@Inject(ACCOUNT_TOKEN_SERVICE) tokens: TokenService, logger: ModuleLogger) {
    // The subscription ends with the stream, which TokenService completes at shutdown.
    tokens.events$.subscribe((event) => logTokenEvent(logger, event));
  }
}
