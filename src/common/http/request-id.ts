import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
/** Where the id is kept on the raw request, so the HTTP logger tags its lines with the same id. */
export const REQUEST_ID_PROPERTY = 'wrkRequestId';
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify `genReqId`: keep the caller's X-Request-Id when it is a safe token, else a fresh uuid. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && ACCEPTABLE.test(given) ? given : randomUUID();
  (request as unknown as Record<string, string>)[REQUEST_ID_PROPERTY] = id;
  return id;
}
