import type { FastifyRequest } from 'fastify';

/**
 * Whether `error` is the client closing the connection before its request body was complete: Node fails the
 * request stream with ECONNRESET ("aborted"), and Fastify's body reader passes that on. A client going away is not
 * a server error, and there is nobody left to answer.
 */
export function isClientAbort(error: unknown, request: FastifyRequest): boolean {
  return request.raw.destroyed && (error as { code?: unknown } | null)?.code === 'ECONNRESET';
}
