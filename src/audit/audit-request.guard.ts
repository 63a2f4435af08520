import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ApiRequest } from '../common/http/api-request.js';
import { AuditRecorder } from './audit-recorder.js';

/**
 * The last global guard (AuditGuardModule): writes each /v1 request's request record once the caller is
 * authenticated and within its limits, before validation and the handler. On fail-closed routes nothing reaches
 * Connect and nothing is answered before the record is committed; if it cannot be, the request is refused with
 * 503 AUDIT_UNAVAILABLE. Reads that reach Connect run validation and the handler while the record commits (the
 * commit is most of their added latency): their Connect calls wait for it, and so does the answer (the onSend
 * hook in audit-http.hooks.ts). Other fail-closed routes run the handler only after it.
 *
 * A guard and a hook rather than an interceptor: any interceptor puts every request through Nest's rxjs chain,
 * which cost about 5% of a request's CPU on get item details.
 */
@Injectable()
export class AuditRequestGuard implements CanActivate {
  constructor(private readonly recorder: AuditRecorder) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<ApiRequest>();
    const committed = this.recorder.beforeHandler(request, http.getResponse<FastifyReply>());
    if (!committed) return true;
    if (!request.principal || !this.recorder.answerAfterCommit(request, committed)) {
      await committed;
      return true;
    }
    // The principal takes the commit to ConnectClientRegistry.forPrincipal, whose clients wait for it.
    request.principal = { ...request.principal, auditCommitted: committed };
    // The writer sends the record from a setImmediate (and node-pg writes it on the tick after): the handler,
    // which runs on promise jobs alone up to its Connect call, starts after those so the two overlap.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return true;
  }
}
