import {
  Controller,
  Get,
  NotFoundException,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { InjectZumRailsTokenService, ZumRailsTokenService } from 'nestjs-zumrails-auth';
import { PAYOUTS } from '../config/zumrails.config.js';

@Controller('session')
export class SessionController {
  constructor(
    private readonly tokens: ZumRailsTokenService,
    @InjectZumRailsTokenService(PAYOUTS) private readonly payoutTokens: ZumRailsTokenService,
  ) {}

  /**
   * Who we are logged in as, and until when: `?account=payouts` for the second API user.
   * The token itself is never exposed.
   */
  @Get()
  async show(@Query('account') account?: string) {
    const tokens = this.tokensOf(account);
    // A failed login throws its typed error (credentials rejected, rate limited...): the app's
    // ZumRailsExceptionFilter turns it into the answer, as for every other route.
    await tokens.getToken();
    const session = tokens.getSession();
    // Only if the token expired between the two calls.
    if (!session) throw new ServiceUnavailableException('No Zum Rails session yet');
    return {
      ...session,
      issuedAt: new Date(session.issuedAt).toISOString(),
      expiresAt: new Date(session.expiresAt).toISOString(),
      account: tokens.getStatus().account,
      state: tokens.getStatus().state,
    };
  }

  private tokensOf(account = 'default'): ZumRailsTokenService {
    if (account === 'default') return this.tokens;
    if (account === PAYOUTS) return this.payoutTokens;
    throw new NotFoundException(`Unknown Zum Rails account; try default or ${PAYOUTS}`);
  }
}
