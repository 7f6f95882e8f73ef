import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { ZumRailsAuthModule, type ZumRailsAuthOptions } from 'nestjs-zumrails-auth';

export interface ZumRailsSettings {
  baseUrl: string;
  username: string;
  password: string;
}

/** Wired the way the README says: ConfigModule + ZumRailsAuthModule.forRootAsync. */
@Module({})
export class AppModule {
  static register(zumrails: ZumRailsSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ zumrails })] }),
        ScheduleModule.forRoot(),
        ZumRailsAuthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService): ZumRailsAuthOptions => ({
            baseUrl: config.getOrThrow<string>('zumrails.baseUrl'),
            username: config.getOrThrow<string>('zumrails.username'),
            password: config.getOrThrow<string>('zumrails.password'),
          }),
        }),
      ],
    };
  }
}
