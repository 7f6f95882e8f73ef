import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import {
  InjectTokenService,
  InjectZumRailsClient,
  InjectZumRailsHttpService,
  TokenService,
  ZumRailsAuthModule,
  ZumRailsClient,
  ZumRailsHttpService,
  ZumRailsWebhookModule,
  type ZumRailsAuthAsyncOptions,
  type ZumRailsAuthOptions,
  type ZumRailsWebhookModuleAsyncOptions,
} from 'nestjs-zumrails-auth';

export interface ZumRailsSettings {
  baseUrl: string;
  username: string;
  password: string;
}

/** Both accounts in one service: the default one by class, `payouts` by name. */
@Injectable()
export class Payments {
  constructor(
    readonly tokens: TokenService,
    @InjectTokenService('payouts') readonly payoutTokens: TokenService,
    @InjectZumRailsHttpService('payouts') readonly payoutHttp: ZumRailsHttpService,
    @InjectZumRailsClient('payouts') readonly payoutClient: ZumRailsClient,
  ) {}
}

/** One account's options from ConfigService, under `key`. */
function optionsFrom(key: string) {
  return (config: ConfigService): ZumRailsAuthOptions => ({
    baseUrl: config.getOrThrow<string>(`${key}.baseUrl`),
    username: config.getOrThrow<string>(`${key}.username`),
    password: config.getOrThrow<string>(`${key}.password`),
  });
}

/**
 * The named account's options as an app names them in a file of their own: the exported type
 * (not `typeof` a value) is what forRootAsync takes, checked against the packed .d.ts.
 */
const payoutsAccount: ZumRailsAuthAsyncOptions = {
  name: 'payouts',
  imports: [ConfigModule],
  inject: [ConfigService],
  useFactory: optionsFrom('payouts'),
};

/** The webhook secret from ConfigService; a missing one would fail the start. */
const webhooks: ZumRailsWebhookModuleAsyncOptions = {
  imports: [ConfigModule],
  inject: [ConfigService],
  useFactory: (config: ConfigService) => ({ secret: config.getOrThrow<string>('webhookSecret') }),
};

/**
 * Wired the way the README says: ConfigModule + ZumRailsAuthModule.forRootAsync, plus a second,
 * named account ("Several accounts") and ZumRailsWebhookModule.
 */
@Module({})
export class AppModule {
  static register(zumrails: ZumRailsSettings, payouts: ZumRailsSettings): DynamicModule {
    const config = () => ({ zumrails, payouts, webhookSecret: 'consumer-webhook-secret' });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [config] }),
        ScheduleModule.forRoot(),
        ZumRailsAuthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: optionsFrom('zumrails'),
        }),
        ZumRailsAuthModule.forRootAsync(payoutsAccount),
        ZumRailsWebhookModule.forRootAsync(webhooks),
      ],
      providers: [Payments],
    };
  }
}
