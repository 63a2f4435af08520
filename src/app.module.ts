import type { Writable } from 'node:stream';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { ActionsModule } from './actions/actions.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuditGuardModule } from './audit/audit-guard.module.js';
import { AuditModule } from './audit/audit.module.js';
import { ConnectedAccountsModule } from './connected-accounts/connected-accounts.module.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { loggerOptions } from './common/http/logger.options.js';
import { IdleHeapCompactor } from './common/memory/idle-heap-compactor.js';
import { QueryParamsModule } from './common/http/query-params.module.js';
import { createValidationPipe } from './common/http/validation.pipe.js';
import { AppConfig } from './config/app-config.js';
import { AppConfigModule } from './config/app-config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { FilesModule } from './files/files.module.js';
import { HealthModule } from './health/health.module.js';
import { ItemsModule } from './items/items.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { VaultsModule } from './vaults/vaults.module.js';

@Module({})
export class AppModule {
  /** `env` overrides environment variables and `logStream` captures logs (tests, CLIs); production passes neither. */
  static forRoot(env?: Record<string, string | undefined>, logStream?: Writable): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => loggerOptions(config, logStream) }),
        DatabaseModule,
        AuditModule,
        HealthModule,
        ApiKeysModule,
        // After ApiKeysModule: its guard must run first (the limits are per authenticated tenant).
        RateLimitsModule,
        // After RateLimitsModule: unknown query parameters are answered after authentication and limits.
        QueryParamsModule,
        // After every module with a global guard: the request record is written once those let the request through.
        AuditGuardModule,
        TenantsModule,
        ConnectedAccountsModule,
        VaultsModule,
        ItemsModule,
        FilesModule,
        ActionsModule,
        MetricsModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        // `npm start` and the image run node with --expose-gc for it (README "Operating it", Memory).
        { provide: IdleHeapCompactor, useFactory: () => IdleHeapCompactor.fromExposedGc() },
      ],
    };
  }
}
