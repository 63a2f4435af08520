import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { createAppDataSource } from './data-source.factory.js';
import { DatabaseNotifier } from './database-notifier.js';
import { DatabaseServer } from './database-server.js';
import { runMigrations } from './run-migrations.js';
import { TenantTransaction } from './tenant-transaction.js';

/** Closes the notifier and the pool before the embedded server stops, in that order, after in-flight requests finish. */
@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly server: DatabaseServer,
    private readonly notifier: DatabaseNotifier,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.notifier.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.server.stop();
  }
}

@Global()
@Module({
  providers: [
    { provide: DatabaseServer, inject: [AppConfig], useFactory: (config: AppConfig) => DatabaseServer.start(config) },
    {
      provide: DataSource,
      inject: [DatabaseServer, AppConfig],
      useFactory: async (server: DatabaseServer, config: AppConfig) => {
        const settings = { url: server.url, appRole: config.database.appRole, poolSize: config.database.poolSize };
        const applied = await runMigrations(settings);
        if (applied.length > 0) new Logger('Migrations').log(`Applied ${applied.join(', ')}`);
        return createAppDataSource(settings).initialize();
      },
    },
    DatabaseShutdown,
    DatabaseNotifier,
    TenantTransaction,
  ],
  exports: [DatabaseServer, DataSource, DatabaseNotifier, TenantTransaction],
})
export class DatabaseModule {}
