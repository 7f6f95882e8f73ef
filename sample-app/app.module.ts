import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { ZumRailsAuthModule, ZumRailsExceptionFilter } from 'nestjs-zumrails-auth';
import { validateEnv, type SampleEnv } from './config/env.validation.js';
import { PAYOUTS, zumRailsOptionsFrom } from './config/zumrails.config.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './metrics/sample-metrics.js';
import { SessionController } from './session/session.controller.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { TransfersModule } from './transfers/transfers.module.js';
import { WalletsModule } from './wallets/wallets.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ envFilePath: ['sample-app/.env', '.env'], validate: validateEnv }),
    // Imported once, by the app; the library uses this registry and never imports it again.
    ScheduleModule.forRoot(),
    ZumRailsAuthModule.forRootAsync({
      isGlobal: true,
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService<SampleEnv, true>) =>
        zumRailsOptionsFrom(config, 'zumrails'),
    }),
    // A second API user: its services are injected by name, e.g. @InjectZumRailsTokenService('payouts').
    ZumRailsAuthModule.forRootAsync({
      name: PAYOUTS,
      isGlobal: true,
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService<SampleEnv, true>) =>
        zumRailsOptionsFrom(config, 'payouts'),
    }),
    TerminusModule,
    WalletsModule,
    TransfersModule,
  ],
  controllers: [SessionController, HealthController, WebhooksController, MetricsController],
  providers: [{ provide: APP_FILTER, useClass: ZumRailsExceptionFilter }],
})
export class AppModule {}
