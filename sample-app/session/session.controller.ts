import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { TokenService } from 'nestjs-zumrails-auth';

@Controller('session')
export class SessionController {
  constructor(private readonly tokens: TokenService) {}

  /** Who we are logged in as, and until when. The token itself is never exposed. */
  @Get()
  async show() {
    await this.tokens.getToken().catch(() => undefined);
    const session = this.tokens.getSession();
    if (!session) throw new ServiceUnavailableException('No Zum Rails session yet');
    return {
      ...session,
      issuedAt: new Date(session.issuedAt).toISOString(),
      expiresAt: new Date(session.expiresAt).toISOString(),
      state: this.tokens.getStatus().state,
    };
  }
}
