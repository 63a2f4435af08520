import { AuditOutcome } from './audit.constants.js';

/** Connect errors that mean "your input was wrong" rather than "the upstream failed". */
const UPSTREAM_INPUT_ERRORS = new Set(['CONNECT_BAD_REQUEST', 'CONNECT_FILE_TOO_LARGE_TO_INLINE']);

/**
 * How a finished request is classified:
 * - `success`: 1xx-3xx;
 * - `denied`: 401, 403 and 429 (authentication, authorisation, rate limit; includes CONNECT_FORBIDDEN);
 * - `error`: 5xx (including 503 AUDIT_UNAVAILABLE), any other CONNECT_* error (token rejected, verification
 *   failed, ...), and a client that closed the connection before the answer was complete;
 * - `invalid`: every other 4xx: 400 validation, 404 of something the caller named, 405, 409 conflict,
 *   412 version mismatch, 413, 415, 422.
 */
export function outcomeOf(status: number, errorCode?: string | null): AuditOutcome {
  if (status < 400) return 'success';
  if (status === 401 || status === 403 || status === 429) return 'denied';
  if (status >= 500) return 'error';
  if (errorCode && errorCode.startsWith('CONNECT_') && !UPSTREAM_INPUT_ERRORS.has(errorCode)) return 'error';
  if (errorCode === 'CLIENT_CLOSED_REQUEST') return 'error';
  return 'invalid';
}
