import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { DatabaseServer } from '../database/database-server.js';
import { AuditLog } from './audit-log.js';

const EVERY_MS = 6 * 60 * 60 * 1000;
const MONTHS_AHEAD = 2;

export interface RetentionResult {
  droppedPartitions: string[];
  checkpoints: number;
}

/**
 * Keeps the monthly partitions of audit_events ahead of time and applies AUDIT_RETENTION_MONTHS, at start-up
 * and every 6 hours. Both need the table owner, so they run on a short-lived owner connection (the user of
 * DATABASE_URL, like migrations), never as the app role. Each retention run is itself audited on the platform
 * chain (`audit.retention`).
 */
@Injectable()
export class AuditMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly server: DatabaseServer,
    private readonly config: AppConfig,
    private readonly auditLog: AuditLog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.run();
    this.timer = setInterval(() => void this.run(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async run(): Promise<void> {
    try {
      const created = await this.withOwner((client) => client.query('SELECT audit_ensure_partitions($1) AS n', [MONTHS_AHEAD]));
      const n = Number(created.rows[0]?.n ?? 0);
      if (n > 0) this.logger.log(`Created ${n} audit partition(s)`);
      const months = this.config.audit.retentionMonths;
      if (months > 0) await this.applyRetention(months);
    } catch (error) {
      this.logger.error(`Audit maintenance failed: ${(error as Error).message}`);
    }
  }

  /** Drops whole months older than the current month minus `keepMonths`, recording chain checkpoints. */
  async applyRetention(keepMonths: number): Promise<RetentionResult> {
    const result = await this.withOwner((client) =>
      client.query('SELECT dropped_partition, checkpoints FROM audit_apply_retention($1)', [keepMonths]),
    );
    const droppedPartitions = result.rows.map((r) => r.dropped_partition as string);
    const checkpoints = result.rows.reduce((sum, r) => sum + Number(r.checkpoints), 0);
    if (droppedPartitions.length > 0) {
      this.logger.log(`Audit retention (${keepMonths} months) dropped ${droppedPartitions.join(', ')}`);
      await this.auditLog.recordSystemEvent({
        action: 'audit.retention',
        outcome: 'success',
        actorName: 'audit retention',
        details: { keepMonths, droppedPartitions, checkpoints },
      });
    }
    return { droppedPartitions, checkpoints };
  }

  private async withOwner<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.server.url, application_name: 'wrk-onepassword-audit-maintenance' });
    // A connection the server drops (a shutdown) fails the query in progress; unheard, its 'error' would crash us.
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
