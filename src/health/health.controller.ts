import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../common/auth/auth.decorators.js';
import { DatabaseHealthIndicator } from './database.health.js';

/** Liveness and readiness for orchestrators; outside /v1, unauthenticated and unaudited. */
@ApiExcludeController()
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** 503 SERVICE_UNAVAILABLE with the reason (`details.reason`: `unreachable` or `migrations-pending`) when not ready. */
  @Get('ready')
  @HealthCheck()
  async ready() {
    try {
      return await this.health.check([() => this.database.check('database')]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      throw DatabaseHealthIndicator.notReady((error.getResponse() as HealthCheckResult).error?.database);
    }
  }
}
