import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { isClientAbort } from '../common/http/client-abort.js';
import { onMalformedRequest } from '../common/http/client-errors.js';
import { onRouterRejection } from '../common/http/router-rejections.js';
import { AuditActionCatalog } from './audit-action.catalog.js';
import { AUDIT_STATE, AuditRecorder } from './audit-recorder.js';
import { AuditWriter } from './audit-writer.js';

/**
 * Installs the audit log's Fastify hooks while the application is being built (this provider is created
 * before Nest registers routes, which is why this is a constructor and not onModuleInit):
 * - onRoute: records every route registered on the server, for the route walk;
 * - onSend: the answer of a read whose handler ran while its request record committed waits for that commit
 *   (AuditRequestGuard); if it failed, the answer is 503 AUDIT_UNAVAILABLE instead (through the exception filter);
 * - onResponse: the outcome record of every /v1 request, including those refused by guards, the validation
 *   pipe, body parsing or routing (404), which no guard of ours sees; for those the router refuses before any hook
 *   (a malformed URL, an over-long path parameter), the same from router-rejections.ts, and for what Node's HTTP
 *   parser refuses, both records from client-errors.ts;
 * - onError: the outcome record (499) of a request whose client went away while sending its body, which is never
 *   answered, so never reaches onResponse;
 * - onClose: writes what is queued once in-flight requests are done, before the database shuts down.
 * Without an HTTP server (a standalone application context) it does nothing.
 */
@Injectable()
export class AuditHttpHooks {
  constructor(adapterHost: HttpAdapterHost, catalog: AuditActionCatalog, recorder: AuditRecorder, writer: AuditWriter) {
    const fastify = adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.addHook !== 'function') return;
    fastify.decorateRequest(AUDIT_STATE, null);
    fastify.addHook('onRoute', (route) => catalog.registerRoute(route.method, route.url));
    fastify.addHook('onSend', (request, _reply, payload, done) => {
      const ready = recorder.answerReady(request);
      if (!ready) {
        done(null, payload);
        return;
      }
      ready.then(
        () => done(null, payload),
        (error: Error) => {
          if (payload instanceof Readable) payload.destroy();
          done(error);
        },
      );
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      recorder.onResponse(request, reply);
      done();
    });
    onRouterRejection(fastify, (request, reply) => recorder.onResponse(request, reply));
    onMalformedRequest(fastify, (malformed) => recorder.onMalformedRequest(malformed));
    fastify.addHook('onError', (request, reply, error, done) => {
      if (isClientAbort(error, request)) recorder.onClientClosed(request, reply);
      done();
    });
    fastify.addHook('onClose', async () => {
      if (!(await writer.drain())) new Logger('Audit').error('Audit records were still queued when the server closed');
    });
  }
}
