import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Observable, catchError, mergeMap } from 'rxjs';
import type { ApiRequest } from '../common/http/api-request.js';
import { AuditRecorder } from './audit-recorder.js';

/**
 * Global interceptor: writes each /v1 request's request record after authentication and before validation
 * and the handler. On fail-closed routes nothing reaches Connect and nothing is answered before the record is
 * committed; if it cannot be, the request is refused with 503 AUDIT_UNAVAILABLE. Reads that reach Connect run
 * validation and the handler while the record commits (the commit is most of their added latency); their
 * Connect calls are held until it is done. Other fail-closed routes run the handler only after it.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly recorder: AuditRecorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> | Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<ApiRequest>();
    const committed = this.recorder.beforeHandler(request, http.getResponse<FastifyReply>());
    if (!committed) return next.handle();
    if (!request.principal || !this.recorder.handlerDuringCommit(request)) return committed.then(() => next.handle());
    // The principal takes the commit to ConnectClientRegistry.forPrincipal, whose clients wait for it.
    request.principal = { ...request.principal, auditCommitted: committed };
    // Handled below once the handler is done; until then a failed commit must not count as unhandled.
    committed.catch(() => undefined);
    // The writer sends the record from a setImmediate (and node-pg writes it on the tick after): the handler,
    // which runs on promise jobs alone up to its Connect call, starts after those so the two overlap.
    return nextTurn().then(() =>
      next.handle().pipe(
        mergeMap((value) => committed.then(() => value)),
        // A failed commit wins over whatever the handler made of it (503 AUDIT_UNAVAILABLE).
        catchError((error: unknown) => committed.then(() => Promise.reject(error))),
      ));
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
