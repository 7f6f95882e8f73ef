import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ZumRailsHealthIndicator } from 'nestjs-zumrails-auth';
import { PAYOUTS } from '../config/zumrails.config.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly zumRails: ZumRailsHealthIndicator,
  ) {}

  /** Both accounts: `zumrails` (the default) and `zumrails-payouts`. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.zumRails.isHealthy(),
      () => this.zumRails.isHealthy('zumrails-payouts', { account: PAYOUTS }),
    ]);
  }
}
