import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter, Histogram } from 'prom-client';
import type { ApiRequest } from '../common/http/api-request.js';
import { onMalformedRequest } from '../common/http/client-errors.js';
import { onRouterRejection } from '../common/http/router-rejections.js';
import { AuditActionCatalog, isAuditedRequest } from '../audit/audit-action.catalog.js';
import { outcomeOf } from '../audit/audit-outcome.js';
import type { AuditOutcome } from '../audit/audit.constants.js';
import { MetricsService } from './metrics.service.js';

interface Series {
  count: Counter.Internal;
  duration: Histogram.Internal<'action' | 'outcome'>;
}

/**
 * Counts and times every request under /v1 from a Fastify onResponse hook (and the router's rejections), labelled exactly as the audit trail
 * records it: the action key from the audit catalog (route pattern → action) and the audit outcome
 * (outcomeOf). Label children are cached per (action, outcome), so a request allocates nothing of its own.
 */
@Injectable()
export class HttpMetricsHooks {
  private readonly series = new Map<string, Map<AuditOutcome, Series>>();

  constructor(adapterHost: HttpAdapterHost, catalog: AuditActionCatalog, private readonly metrics: MetricsService) {
    const fastify = adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.addHook !== 'function') return;
    const record = (request: FastifyRequest, reply: FastifyReply) => {
      const route = request.routeOptions?.url;
      if (!isAuditedRequest(request.url, route)) return;
      const action = catalog.lookup(request.method, route).action;
      const outcome = outcomeOf(reply.statusCode, (request as ApiRequest).failure?.code ?? null);
      const series = this.seriesOf(action, outcome);
      series.count.inc();
      series.duration.observe(reply.elapsedTime / 1000);
    };
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
      record(request, reply);
      done();
    });
    // Requests the router refuses (a malformed URL, an over-long path segment) skip onResponse.
    onRouterRejection(fastify, record);
    // And those Node's HTTP parser refuses: counted, not timed (they never became requests).
    onMalformedRequest(fastify, (malformed) => {
      if (malformed.url === undefined || malformed.method === undefined || !isAuditedRequest(malformed.url, undefined)) return;
      this.seriesOf(catalog.lookup(malformed.method, undefined).action, outcomeOf(malformed.status, malformed.code)).count.inc();
    });
  }

  private seriesOf(action: string, outcome: AuditOutcome): Series {
    let byOutcome = this.series.get(action);
    if (!byOutcome) this.series.set(action, (byOutcome = new Map()));
    let series = byOutcome.get(outcome);
    if (!series) {
      series = { count: this.metrics.httpRequests.labels(action, outcome), duration: this.metrics.httpDuration.labels(action, outcome) };
      byOutcome.set(outcome, series);
    }
    return series;
  }
}
