import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { DatabaseServer } from '../database/database-server.js';
import { AuditLog } from './audit-log.js';
import { AUDIT_STORE } from './audit.tokens.js';
import { AuditStore, PgAuditStore } from './audit-store.js';
import { AuditWriter } from './audit-writer.js';

/**
 * The writer's settings, also used by the benchmark's audit-writer scenario: one connection of its own pool per
 * batch in flight (`maxInFlight`), two of which may pipeline one chain; an outcome waits up to `lingerMs` for
 * the next request's record to share its commit.
 */
export const AUDIT_WRITER_OPTIONS = { maxInFlight: 3, chainDepth: 2, batchMax: 200, lingerMs: 10 } as const;

@Injectable()
class AuditShutdown implements OnApplicationShutdown {
  constructor(
    private readonly writer: AuditWriter,
    @Inject(AUDIT_STORE) private readonly store: AuditStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.writer.close(5000);
    await this.store.close().catch(() => undefined);
  }
}

/**
 * Writing audit records, nothing else: the store (its own app-role pool), the group-commit writer and AuditLog
 * for work outside HTTP. AuditModule builds the HTTP side on it; the keys CLI imports it alone. Needs AppConfig
 * and DatabaseServer from global modules. Global, so its shutdown (writer drained, pool ended) runs after the
 * modules that write through it and, being imported after the database's module, before the server stops.
 */
@Global()
@Module({
  providers: [
    {
      provide: AUDIT_STORE,
      // DataSource first when there is one (the service): its factory applies the migrations this store relies
      // on. The keys CLI has none; it runs against a database the service migrated.
      inject: [DatabaseServer, AppConfig, { token: DataSource, optional: true }],
      useFactory: (server: DatabaseServer, config: AppConfig) =>
        PgAuditStore.create({
          url: server.url,
          appRole: config.database.appRole,
          timeoutMs: config.audit.writeTimeoutMs,
          size: AUDIT_WRITER_OPTIONS.maxInFlight,
          onError: (error) => new Logger('Audit').warn(`Audit connection error: ${error.message}`),
        }),
    },
    {
      provide: AuditWriter,
      inject: [AUDIT_STORE],
      useFactory: (store: AuditStore) => new AuditWriter(store, AUDIT_WRITER_OPTIONS),
    },
    AuditLog,
    AuditShutdown,
  ],
  exports: [AUDIT_STORE, AuditWriter, AuditLog],
})
export class AuditCoreModule {}
