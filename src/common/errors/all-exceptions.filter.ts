import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppException } from './app-exception.js';
import { ErrorCode } from './error-code.enum.js';
import { ERROR_HTTP_STATUS } from './error-http-status.map.js';
import { ApiRequest } from '../http/api-request.js';
import { isClientAbort } from '../http/client-abort.js';

interface Resolved {
  status: number;
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.ROUTE_NOT_FOUND,
  405: ErrorCode.METHOD_NOT_ALLOWED,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** Socket errors, and Postgres's class 08 (connection exception) and 57P01-57P03 (shutting down, cannot connect now). */
const DATABASE_DOWN_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|08...|57P0[123])$/;
/** node-pg's own errors for a connection lost or never made, which carry no code. */
const DATABASE_DOWN_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** The code of an error that says the database cannot be reached (directly or as a TypeORM driver error). */
function databaseErrorCode(exception: unknown): string | undefined {
  const error = ((exception as { driverError?: unknown } | null)?.driverError ?? exception) as { code?: unknown; message?: unknown } | null;
  if (typeof error?.code === 'string' && DATABASE_DOWN_CODES.test(error.code)) return error.code;
  if (typeof error?.message === 'string' && DATABASE_DOWN_MESSAGES.test(error.message)) return 'connection';
  return undefined;
}

/**
 * The single place where errors become HTTP responses: `{ error: { code, message, requestId, details? } }`.
 * Anything unexpected becomes a bare 500 with the request id; its stack goes to the log, never to the caller.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<ApiRequest>();
    // The audit log records it as 499 CLIENT_CLOSED_REQUEST (audit-http.hooks.ts).
    if (isClientAbort(exception, request)) return;
    const response = http.getResponse();
    const resolved = this.resolve(exception);
    if (resolved.code === ErrorCode.SERVICE_UNAVAILABLE && !(exception instanceof AppException) && !(exception instanceof HttpException)) {
      this.logger.warn({ requestId: request.id, err: { code: databaseErrorCode(exception) } }, 'The database is unavailable');
    } else if (resolved.status >= 500 && resolved.code === ErrorCode.INTERNAL_ERROR) {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error({ requestId: request.id, err: { name: error.name, message: error.message, stack: error.stack } }, 'Unhandled error');
    }
    request.failure = { code: resolved.code, status: resolved.status };
    const adapter = this.adapterHost.httpAdapter;
    for (const [name, value] of Object.entries(resolved.headers ?? {})) adapter.setHeader(response, name, value);
    adapter.reply(
      response,
      { error: { code: resolved.code, message: resolved.message, requestId: request.id, ...(resolved.details ? { details: resolved.details } : {}) } },
      resolved.status,
    );
  }

  private resolve(exception: unknown): Resolved {
    if (exception instanceof AppException) {
      return { status: ERROR_HTTP_STATUS[exception.code], code: exception.code, message: exception.message, details: exception.details, headers: exception.headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Fastify's body-parser errors arrive wrapped, with the parser error as cause.
      if (status === 400 && typeof (exception.cause as { statusCode?: unknown } | undefined)?.statusCode === 'number') {
        return { status, code: ErrorCode.MALFORMED_BODY, message: 'The request body is not valid JSON' };
      }
      const code = STATUS_CODES[status];
      if (code) return { status, code, message: this.httpMessage(exception, code) };
    }
    if (databaseErrorCode(exception) !== undefined) {
      return { status: 503, code: ErrorCode.SERVICE_UNAVAILABLE, message: 'The database is unavailable; try again shortly', headers: { 'Retry-After': '1' } };
    }
    return { status: 500, code: ErrorCode.INTERNAL_ERROR, message: 'Internal error' };
  }

  private httpMessage(exception: HttpException, code: ErrorCode): string {
    if (code === ErrorCode.ROUTE_NOT_FOUND) return 'No such route';
    if (code === ErrorCode.RATE_LIMITED) return 'Too many requests';
    return exception.message;
  }
}
