import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { AuditWriter } from '../audit/audit-writer.js';

/** Prefix of every metric name, the Node process metrics included. */
export const METRICS_PREFIX = 'wrk_onepassword_';

/** Latency buckets in seconds: 1 ms to 10 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The pg pool under TypeORM's Postgres driver (`driver.master`). */
interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * The application's Prometheus registry and metric families. One Registry per application instance (not
 * prom-client's global one), so several instances in one process (tests) never clash.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: `${METRICS_PREFIX}http_requests_total`,
    help: 'Requests under /v1, by audited action key and audit outcome (success, denied, invalid, error)',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: `${METRICS_PREFIX}http_request_duration_seconds`,
    help: 'Latency of requests under /v1, by audited action key and audit outcome',
    labelNames: ['action', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly connectDuration = new Histogram({
    name: `${METRICS_PREFIX}connect_call_duration_seconds`,
    help: 'Latency of Connect calls (retries included), by connected account id and client operation',
    labelNames: ['account_id', 'operation'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly connectErrors = new Counter({
    name: `${METRICS_PREFIX}connect_errors_total`,
    help: 'Failed Connect calls, by connected account id, client operation and error code',
    labelNames: ['account_id', 'operation', 'code'] as const,
    registers: [this.registry],
  });

  constructor(writer: AuditWriter, dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: METRICS_PREFIX });
    new Gauge({
      name: `${METRICS_PREFIX}audit_queue_depth`,
      help: 'Audit records waiting to be written (queued or awaiting retry)',
      registers: [this.registry],
      collect() {
        this.set(writer.queueDepth);
      },
    });
    new Gauge({
      name: `${METRICS_PREFIX}db_pool_connections`,
      help: 'Connections of the database pool: total (open), idle, and waiting (queries queued for a connection)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const pool = (dataSource.driver as unknown as { master?: PgPoolCounts }).master;
        if (!pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }
}
