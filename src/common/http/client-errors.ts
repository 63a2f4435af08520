import { type IncomingMessage, maxHeaderSize, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../errors/error-code.enum.js';
import { ERROR_HTTP_STATUS } from '../errors/error-http-status.map.js';
import { readRefusedHead } from './refused-request-head.js';
import { REQUEST_ID_HEADER, REQUEST_ID_PROPERTY, requestIdOf } from './request-id.js';
import type { SecurityHeaders } from './security-headers.js';

/** What can be said of a request that Node's HTTP parser refused before it became one. */
export interface MalformedRequest {
  /** The id of the answer (the caller's X-Request-Id when the parser had read a safe one). */
  id: string;
  /** From the request line, when it was whole and its head was what the parser refused. */
  method?: string;
  /** The request target as sent (origin form only), likewise. */
  url?: string;
  ip?: string;
  status: number;
  code: ErrorCode;
  /** Epoch ms. */
  at: number;
}

export type MalformedRequestListener = (request: MalformedRequest) => void;

/** Set on a request in flight whose own bytes (its body) the parser refused: how it was answered. */
const REFUSAL = Symbol('parserRefusal');

/** How the parser's refusal answered this request while it was in flight (its body broke), if it did. */
export function parserRefusalOf(raw: IncomingMessage): { status: number; code: ErrorCode } | undefined {
  return (raw as IncomingMessage & { [REFUSAL]?: { status: number; code: ErrorCode } })[REFUSAL];
}

const listeners = new WeakMap<FastifyInstance, MalformedRequestListener[]>();

/** Runs `listener` once a request refused by Node's HTTP parser (see clientErrorHandler) has been answered. */
export function onMalformedRequest(fastify: FastifyInstance, listener: MalformedRequestListener): void {
  listeners.set(fastify, [...(listeners.get(fastify) ?? []), listener]);
}

/** Node's clientError error: `rawPacket` is what the parser was given when it failed (absent on a timeout). */
type ParserError = Error & { code?: string; reason?: string; rawPacket?: unknown; bytesParsed?: unknown };

/** The response Node's HTTP server has in progress on a socket (what its own clientError fallback checks). */
function inFlightResponse(socket: Socket): ServerResponse | undefined {
  return (socket as unknown as { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}

function refusal(code: string | undefined): { code: ErrorCode; message: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { code: ErrorCode.REQUEST_TIMEOUT, message: 'The request did not arrive in full in time' };
  if (code === 'HPE_HEADER_OVERFLOW') return { code: ErrorCode.HEADERS_TOO_LARGE, message: `The request headers are larger than ${maxHeaderSize} bytes` };
  return { code: ErrorCode.MALFORMED_REQUEST, message: 'The request is not valid HTTP/1.1' };
}

/**
 * Fastify's `clientErrorHandler`: answers what Node's HTTP parser refuses (a control character in a header, a
 * broken request line, headers over the size limit, a request that never finishes) with the application's error
 * envelope, its security headers and a request id, instead of Fastify's own `{"error":"Bad Request",...}`; then
 * closes the connection, as Node does, since the rest of the stream cannot be trusted to frame requests (a request
 * still in flight on it is cut off, and recorded by the audit hooks: as refused if its own body broke, parserRefusalOf). The raw packet (it may hold an
 * Authorization header) is only searched for the request line and X-Request-Id, never logged or echoed.
 * Listeners (the audit log, metrics) stand in for the onResponse hooks a refused request never reaches.
 */
export function clientErrorHandler(headers: SecurityHeaders): (this: FastifyInstance, error: ParserError, socket: Socket) => void {
  const logger = new Logger('Http');
  return function answerClientError(this: FastifyInstance, error: ParserError, socket: Socket): void {
    // A reset connection has nobody to answer; one the client ended mid-request is a client gone (audited as such).
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (error.code === 'HPE_INVALID_EOF_STATE') {
      socket.destroy();
      return;
    }
    const head = readRefusedHead(error.rawPacket, error.bytesParsed);
    const inFlight = inFlightResponse(socket);
    const { code, message } = refusal(error.code);
    const status = ERROR_HTTP_STATUS[code];
    // A body broke its framing: its request was dispatched and is recorded as such by the hooks. When it is the one
    // in flight, the answer goes out under its id and the hooks record that answer (parserRefusalOf).
    const bodyBroke = head.url === undefined || head.complete === true;
    const owner = bodyBroke && inFlight && (head.url === undefined || (inFlight.req.method === head.method && inFlight.req.url === head.url)) ? inFlight.req : undefined;
    if (owner) Object.assign(owner, { [REFUSAL]: { status, code } });
    const malformed: MalformedRequest = {
      id: requestIdOf(owner ? (owner as unknown as Record<string, unknown>)[REQUEST_ID_PROPERTY] : head.requestId),
      ...(bodyBroke ? {} : { method: head.method, url: head.url }),
      ...(socket.remoteAddress ? { ip: socket.remoteAddress } : {}),
      status,
      code,
      at: Date.now(),
    };
    // Once an answer has started on this connection, nothing more can be written without corrupting it.
    if (socket.writable && !inFlight?.headersSent) {
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
