import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { loadEnvironment } from '../config/load-environment.js';
import { DatabaseServer } from './database-server.js';
import { runMigrations } from './run-migrations.js';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL (or the embedded database) and exits. */
async function main(): Promise<void> {
  const config = new AppConfig(loadEnvironment());
  const server = await DatabaseServer.start(config);
  try {
    const applied = await runMigrations({ url: server.url, appRole: config.database.appRole });
    new Logger('Migrations').log(applied.length ? `Applied ${applied.join(', ')}` : 'Nothing to apply');
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Migrations failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
