import { Module } from '@nestjs/common';
import { ConnectModule } from '../connect/connect.module.js';
import { ConnectMetrics } from './connect-metrics.js';
import { HttpMetricsHooks } from './http-metrics.hooks.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/**
 * `GET /metrics` (Prometheus text format): requests by audited action and outcome, Connect call latency and
 * errors by connected account, audit queue depth, database pool use, and the Node process metrics, all
 * prefixed `wrk_onepassword_`. AuditWriter, AuditActionCatalog and DataSource come from global modules.
 */
@Module({
  imports: [ConnectModule],
  controllers: [MetricsController],
  providers: [MetricsService, HttpMetricsHooks, ConnectMetrics],
  exports: [MetricsService],
})
export class MetricsModule {}
