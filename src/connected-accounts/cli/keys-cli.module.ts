import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AuditCoreModule } from '../../audit/audit-core.module.js';
import { AppConfig } from '../../config/app-config.js';
import { AppConfigModule } from '../../config/app-config.module.js';
import { CryptoModule } from '../../crypto/crypto.module.js';
import { DatabaseServer } from '../../database/database-server.js';
import { TokenKeyMaintenance } from '../keys/token-key-maintenance.service.js';

/** Stops the embedded Postgres if this process started it (a server the running service owns is left alone). */
@Injectable()
class StopDatabaseServer implements OnApplicationShutdown {
  constructor(private readonly server: DatabaseServer) {}

  async onApplicationShutdown(): Promise<void> {
    await this.server.stop();
  }
}

/** The database server, global like the service's DatabaseModule so AuditCoreModule finds it. */
@Global()
@Module({
  providers: [{ provide: DatabaseServer, inject: [AppConfig], useFactory: (config: AppConfig) => DatabaseServer.start(config) }, StopDatabaseServer],
  exports: [DatabaseServer],
})
class KeysCliDatabaseModule {}

/**
 * Just what keys:rewrap and keys:check need: configuration (same loading as the service), the key ring, the
 * database server (DATABASE_URL, or the embedded one under DATA_DIR, reused when the service runs) and the
 * audit writer (keys:rewrap runs are audited on the platform chain). No app pool, no migrations, no HTTP.
 */
@Module({})
export class KeysCliModule {
  static forRoot(env?: Record<string, string | undefined>): DynamicModule {
    return {
      module: KeysCliModule,
      // AuditCoreModule after the database: shutdown goes in reverse, so the audit pool ends before the server stops.
      imports: [AppConfigModule.forRoot(env), CryptoModule, KeysCliDatabaseModule, AuditCoreModule],
      providers: [TokenKeyMaintenance],
    };
  }
}
