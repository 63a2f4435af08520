import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { AuditRecorder } from './audit-recorder.js';

/**
 * Global interceptor: writes each /v1 request's request record after authentication and before validation
 * and the handler. For fail-closed routes (reachesConnect, writes, exports) the handler runs only once the
 * record is committed; otherwise the request is refused with 503 AUDIT_UNAVAILABLE.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly recorder: AuditRecorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> | Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const committed = this.recorder.beforeHandler(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
    return committed ? committed.then(() => next.handle()) : next.handle();
  }
}
