import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Clock } from '../util/clock.js';
import type { TokenService } from '../token/token.service.js';
import { ACCOUNT_TOKEN_SERVICE, ZUMRAILS_CLOCK } from '../zumrails-auth.constants.js';
import { ZumRailsMetrics } from './zumrails-metrics.js';

/** Reports the current token's remaining lifetime; stops reporting at shutdown. */
@Injectable()
export class TokenMetrics implements OnApplicationShutdown {
  constructor(
    private readonly metrics: ZumRailsMetrics,
    @Inject(ACCOUNT_TOKEN_SERVICE) tokens: TokenService,
    @Inject(ZUMRAILS_CLOCK) clock: Clock,
  ) {
    metrics.observeTokenRemaining(() => {
      const { expiresAt } = tokens.getStatus();
      return expiresAt === undefined ? undefined : Math.max(0, (expiresAt - clock.now()) / 1000);
    });
  }

  /** Stops reporting the token's lifetime at shutdown. */
  onApplicationShutdown(): void {
    this.metrics.stop();
  }
}
