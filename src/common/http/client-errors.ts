import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../errors/error-code.enum.js';
import { ERROR_HTTP_STATUS } from '../errors/error-http-status.map.js';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.js';
import type { SecurityHeaders } from './security-headers.js';

/** What can be said of a request that Node's HTTP parser refused before it became one. */
export interface MalformedRequest {
  /** The id of the answer (the caller's X-Request-Id when the parser had read a safe one). */
  id: string;
  /** From the request line, when it was whole. */
  method?: string;
  /** The request target as sent (origin form only), when the request line was whole. */
  url?: string;
  ip?: string;
  status: number;
  code: ErrorCode;
  /** Epoch ms. */
  at: number;
}

export type MalformedRequestListener = (request: MalformedRequest) => void;

const listeners = new WeakMap<FastifyInstance, MalformedRequestListener[]>();

/** Runs `listener` once a request refused by Node's HTTP parser (see clientErrorHandler) has been answered. */
export function onMalformedRequest(fastify: FastifyInstance, listener: MalformedRequestListener): void {
  listeners.set(fastify, [...(listeners.get(fastify) ?? []), listener]);
}

/** Node's clientError error: `rawPacket` is what the parser was given when it failed (absent on a timeout). */
type ParserError = Error & { code?: string; reason?: string; rawPacket?: unknown };

const REQUEST_LINE = /^([A-Z]{1,20}) (\/[\x21-\x7e]*) HTTP\/1\.[01]\r?\n/;
const REQUEST_ID_LINE = new RegExp(`\\n${REQUEST_ID_HEADER}:[ \\t]*([^\\r\\n]*?)[ \\t]*\\r?\\n`, 'i');
/** How much of the raw packet is searched for the request line and X-Request-Id. */
const HEAD_SCAN_BYTES = 16 * 1024;

function refusal(code: string | undefined): { code: ErrorCode; message: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { code: ErrorCode.REQUEST_TIMEOUT, message: 'The request did not arrive in full in time' };
  if (code === 'HPE_HEADER_OVERFLOW') return { code: ErrorCode.HEADERS_TOO_LARGE, message: `The request headers are larger than ${maxHeaderSize} bytes` };
  return { code: ErrorCode.MALFORMED_REQUEST, message: 'The request is not valid HTTP/1.1' };
}

/**
 * Fastify's `clientErrorHandler`: answers what Node's HTTP parser refuses (a control character in a header, a
 * broken request line, headers over the size limit, a request that never finishes) with the application's error
 * envelope, its security headers and a request id, instead of Fastify's own `{"error":"Bad Request",...}`; then
 * closes the connection, as Node does, since the rest of the stream cannot be trusted to frame requests. The raw
 * packet (it may hold an Authorization header) is only searched for the request line and X-Request-Id, never
 * logged or echoed. Listeners (the audit log, metrics) stand in for the onResponse hooks no request reaches.
 */
export function clientErrorHandler(headers: SecurityHeaders): (this: FastifyInstance, error: ParserError, socket: Socket) => void {
  const logger = new Logger('Http');
  return function answerClientError(this: FastifyInstance, error: ParserError, socket: Socket): void {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const head = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.subarray(0, HEAD_SCAN_BYTES).toString('latin1') : '';
    const line = REQUEST_LINE.exec(head);
    const { code, message } = refusal(error.code);
    const status = ERROR_HTTP_STATUS[code];
    const malformed: MalformedRequest = {
      id: requestIdOf(REQUEST_ID_LINE.exec(head)?.[1]),
      ...(line ? { method: line[1], url: line[2] } : {}),
      ...(socket.remoteAddress ? { ip: socket.remoteAddress } : {}),
      status,
      code,
      at: Date.now(),
    };
    if (socket.writable) {
      const body = JSON.stringify({ error: { code, message, requestId: malformed.id } });
      let response = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n`;
      for (const [name, value] of headers) response += `${name}: ${Array.isArray(value) ? value.join(', ') : value}\r\n`;
      response += `${REQUEST_ID_HEADER}: ${malformed.id}\r\ncontent-type: application/json; charset=utf-8\r\n`;
      response += `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
      socket.write(response);
    }
    socket.destroy();
    // Node's error code and the parser's reason are fixed texts; nothing of the request is logged but its id.
    logger.log(`Refused request ${malformed.id}: ${status} ${code} (${error.code ?? 'no code'}${error.reason ? `: ${error.reason}` : ''})`);
    for (const listener of listeners.get(this) ?? []) listener(malformed);
  };
}
