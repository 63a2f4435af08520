import { DynamicModule, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
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

/**
 * Just what keys:rewrap and keys:check need: configuration (same loading as the service), the key ring and
 * the database server (DATABASE_URL, or the embedded one under DATA_DIR, reused when the service runs). No
 * app pool, no migrations, no HTTP.
 */
@Module({})
export class KeysCliModule {
  static forRoot(env?: Record<string, string | undefined>): DynamicModule {
    return {
      module: KeysCliModule,
      imports: [AppConfigModule.forRoot(env), CryptoModule],
      providers: [
        { provide: DatabaseServer, inject: [AppConfig], useFactory: (config: AppConfig) => DatabaseServer.start(config) },
        StopDatabaseServer,
        TokenKeyMaintenance,
      ],
    };
  }
}
