import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';

const QUERY_TIMEOUT_MS = 2000;

/** Ready = the database answers and every migration this build knows is applied. */
@Injectable()
export class DatabaseHealthIndicator {
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
      return pending.length === 0 ? indicator.up({ migrations: applied.size }) : indicator.down({ pendingMigrations: pending });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
