import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/auth.decorators.js';
import { MetricsService } from './metrics.service.js';

/**
 * Prometheus scrape endpoint. Outside /v1 like /health: unauthenticated and on the audit's explicit unaudited
 * list (UNAUDITED_ROUTES). It shows action keys, outcomes and connected account ids, never a secret; expose it
 * to the monitoring network only.
 */
@ApiExcludeController()
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const body = await this.metrics.registry.metrics();
    await reply.header('Content-Type', this.metrics.registry.contentType).header('Cache-Control', 'no-store').send(body);
  }
}
