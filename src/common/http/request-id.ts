import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
/** Where the id is kept on the raw request, so the HTTP logger tags its lines with the same id. */
export const REQUEST_ID_PROPERTY = 'wrkRequestId';
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is a safe token, else a fresh uuid. */
export function requestIdOf(given: unknown): string {
  return typeof given === 'string' && ACCEPTABLE.test(given) ? given : randomUUID();
}

/** Fastify `genReqId`: the request's id (requestIdOf), also kept on the raw request. */
export function requestIdFor(request: IncomingMessage): string {
  const id = requestIdOf(request.headers[REQUEST_ID_HEADER]);
  (request as unknown as Record<string, string>)[REQUEST_ID_PROPERTY] = id;
  return id;
}
