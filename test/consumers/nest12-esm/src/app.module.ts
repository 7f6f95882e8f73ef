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
  type ZumRailsAuthOptions,
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
 * Wired the way the README says: ConfigModule + ZumRailsAuthModule.forRootAsync, plus a second,
 * named account ("Several accounts").
 */
@Module({})
export class AppModule {
  static register(zumrails: ZumRailsSettings, payouts: ZumRailsSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ zumrails, payouts })] }),
        ScheduleModule.forRoot(),
        ZumRailsAuthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: optionsFrom('zumrails'),
        }),
        ZumRailsAuthModule.forRootAsync({
          name: 'payouts',
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: optionsFrom('payouts'),
        }),
      ],
      providers: [Payments],
    };
  }
}
