import type { Readable } from 'node:stream';
import { AppException } from '../errors/app-exception.js';
import { ERROR_HTTP_STATUS } from '../errors/error-http-status.map.js';
import type { ApiRequest } from './api-request.js';

/**
 * A streamed answer whose source fails midway is cut off (its status line is long gone): the failure is kept on
 * the request, as the exception filter keeps an error's, so the audit log records the upstream's error instead of
 * a client that went away.
 */
export function keepStreamFailure(request: ApiRequest, stream: Readable): void {
  stream.once('error', (error: unknown) => {
    if (error instanceof AppException) request.failure = { code: error.code, status: ERROR_HTTP_STATUS[error.code] };
  });
}
