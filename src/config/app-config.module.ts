import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config.js';
import { EnvironmentSchema } from './environment.schema.js';
import { loadEnvironment } from './load-environment.js';

const NAMESPACE = 'app';

@Global()
@Module({})
export class AppConfigModule {
  /** `overrides` lets tests and CLIs adjust variables without touching process.env. */
  static forRoot(overrides?: Record<string, string | undefined>): DynamicModule {
    const load = () => ({ [NAMESPACE]: loadEnvironment(overrides) });
    return {
      module: AppConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [load] })],
      providers: [
        {
          provide: AppConfig,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => new AppConfig(config.getOrThrow<EnvironmentSchema>(NAMESPACE)),
        },
      ],
      exports: [AppConfig],
    };
  }
}
