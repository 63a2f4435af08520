import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { RunningDatabase, startEmbeddedPostgres } from './embedded-postgres.server.js';

/** The Postgres the service talks to: DATABASE_URL when set, else the embedded one under DATA_DIR. */
export class DatabaseServer {
  private constructor(
    readonly url: string,
    readonly embedded: boolean,
    private readonly running?: RunningDatabase,
  ) {}

  static async start(config: AppConfig): Promise<DatabaseServer> {
    const { url, embedded } = config.database;
    if (!embedded) return new DatabaseServer(url!, false);
    const logger = new Logger('EmbeddedPostgres');
    const started = Date.now();
    const running = await startEmbeddedPostgres(config.dataDir, (line) => logger.warn(line));
    logger.log(`Embedded Postgres ready in ${Date.now() - started} ms (data in ${config.dataDir})`);
    return new DatabaseServer(running.url, true, running);
  }

  async stop(): Promise<void> {
    await this.running?.stop();
  }
}
