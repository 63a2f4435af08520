import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';

const QUERY_TIMEOUT_MS = 2000;

/** Why the database is not ready, as /health/ready's 503 says it (the database's own error goes to the log only). */
type NotReady = { reason: 'unreachable' } | { reason: 'migrations-pending'; pendingMigrations: string[] };

/** Ready = the database answers and every migration this build knows is applied. */
@Injectable()
export class DatabaseHealthIndicator {
  private readonly logger = new Logger('Health');
  private readonly expected = MIGRATIONS.map((m) => new m().name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    try {
      const rows: { name: string }[] = await Promise.race([
        this.dataSource.query('SELECT name FROM schema_migrations'),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('database did not answer in time')), QUERY_TIMEOUT_MS).unref()),
      ]);
      const applied = new Set(rows.map((r) => r.name));
      const pending = this.expected.filter((name) => !applied.has(name));
      if (pending.length === 0) return indicator.up({ migrations: applied.size });
      return indicator.down({ reason: 'migrations-pending', pendingMigrations: pending } satisfies NotReady);
    } catch (error) {
      // Its message may name hosts or users: for the log, not for an unauthenticated caller.
      this.logger.warn(`Not ready: the database did not answer (${(error as Error).message})`);
      return indicator.down({ reason: 'unreachable' } satisfies NotReady);
    }
  }

  /** The 503 of /health/ready, from the `down` details that `check` gave under `key`. */
  static notReady(down: Record<string, unknown> | undefined): AppException {
    if (down?.reason === 'migrations-pending') {
      const pending = Array.isArray(down.pendingMigrations) ? (down.pendingMigrations as string[]) : [];
      return new AppException(ErrorCode.SERVICE_UNAVAILABLE, `Not ready: ${pending.length} database migration(s) not applied yet`, { database: 'down', reason: down.reason, pendingMigrations: pending }, { 'Retry-After': '5' });
    }
    return new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'Not ready: the database does not answer', { database: 'down', reason: 'unreachable' }, { 'Retry-After': '5' });
  }
}
