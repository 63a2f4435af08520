import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';

export interface DataSourceSettings {
  url: string;
  appRole: string;
  poolSize: number;
}

/** Postgres startup options: `-c name=value` pairs sent when each pooled connection opens. */
function startupOptions(settings: Record<string, string>): string {
  return Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(' ');
}

/** The service's data source: every connection runs as the app role, so row-level security always applies. */
export function createAppDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource({
    ...common(settings.url),
    extra: { max: settings.poolSize, options: startupOptions({ role: settings.appRole }) },
  });
}

/** Migrations run as the connecting (owner) user; the app role name reaches the SQL through a session setting. */
export function createMigrationDataSource(settings: Pick<DataSourceSettings, 'url' | 'appRole'>): DataSource {
  return new DataSource({
    ...common(settings.url),
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    extra: { max: 1, options: startupOptions({ 'wrk.app_role': settings.appRole }) },
  });
}

function common(url: string): DataSourceOptions {
  return { type: 'postgres', url, entities: ENTITIES, synchronize: false, migrationsRun: false, logging: false };
}
