import { createMigrationDataSource, DataSourceSettings } from './data-source.factory.js';

// Any constant works; it only has to be the same for every instance sharing the database.
const MIGRATION_LOCK_KEY = 727_001;

/** Applies pending migrations under an advisory lock, so instances starting together migrate once. */
export async function runMigrations(settings: Pick<DataSourceSettings, 'url' | 'appRole'>): Promise<string[]> {
  const dataSource = await createMigrationDataSource(settings).initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await dataSource.destroy();
  }
}
