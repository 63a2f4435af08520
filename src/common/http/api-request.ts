import type { FastifyRequest } from 'fastify';
import type { PlatformPrincipal, Principal } from '../auth/principal.js';
import type { ErrorCode } from '../errors/error-code.enum.js';

/** The Fastify request as the service sees it, with what guards and filters attach. */
export interface ApiRequest extends FastifyRequest {
  principal?: Principal;
  platformPrincipal?: PlatformPrincipal;
  /** Set by the exception filter so the audit trail records why the request failed. */
  failure?: { code: ErrorCode; status: number };
}
