import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { MAX_JSON_RESPONSE_BYTES } from './connect-http.adapter.js';
import { classifyNetworkError } from './network-error.classifier.js';
import { RetryPolicy } from './retry-policy.js';

/** The most specific resource a request names; decides a 404 when Connect's message does not. */
export type ConnectResource = 'vault' | 'item' | 'file' | 'none';

/** What the client learnt from a non-2xx answer. */
export interface ConnectErrorResponse {
  status: number;
  /** Raw body text, when it was read. */
  body?: string;
  retryAfter?: unknown;
  hasVersionHeader: boolean;
  resource: ConnectResource;
}

const MAX_MESSAGE_LENGTH = 300;
const BEARER_PATTERN = /bearer\s+[^\s"',;]+/gi;
/** Connect tokens are JWTs: three base64url segments, the first starting `eyJ` (`{"`). */
const JWT_PATTERN = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g;
/** Shorter parts of a token (a JWT header's `eyJhbGciOi`...) are not secret on their own and could match plain text. */
const MIN_SECRET_PART_LENGTH = 16;
const NOT_FOUND_PATTERN = /^\s*(vault|item|file)\b.*\bnot found/i;
const SYNC_NOT_READY_PATTERN = /failed to initiate/i;
/** Outcomes that say the server cannot serve at all: the circuit breaker counts these, nothing else. */
const SERVER_DOWN_CODES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.CONNECT_UNAVAILABLE, ErrorCode.CONNECT_UNREACHABLE, ErrorCode.CONNECT_TIMEOUT, ErrorCode.CONNECT_SYNC_NOT_READY,
]);

/**
 * The one place that turns Connect answers and transport failures into AppExceptions. Exceptions carry a
 * fixed message, Connect's own (sanitised) message and status in `details`, and never the axios error as
 * `cause`: axios errors hold the request config and with it the Authorization header.
 */
export class ConnectErrorMapper {
  /** Maps a non-2xx answer (after retries). `secret` is the token, removed should the server echo it. */
  static fromResponse(response: ConnectErrorResponse, secret: string): AppException {
    const { status } = response;
    const parsed = ConnectErrorMapper.parseErrorBody(response.body);
    const connectMessage = parsed.message === undefined ? undefined : ConnectErrorMapper.sanitize(parsed.message, secret);
    const details: Record<string, unknown> = { connectStatus: status, ...(connectMessage === undefined ? {} : { connectMessage }) };
    const fail = (code: ErrorCode, message: string, headers?: Record<string, string>) => new AppException(code, message, details, headers);

    if (status >= 300 && status < 400) return ConnectErrorMapper.notAConnectServer(`the server answered with a redirect (HTTP ${status}); check the URL and scheme`, status);
    switch (status) {
      case 400:
        return fail(ErrorCode.CONNECT_BAD_REQUEST, `Connect rejected the request: ${connectMessage ?? 'no reason given'}`);
      case 401:
        return fail(ErrorCode.CONNECT_TOKEN_REJECTED, 'The Connect server rejected the access token');
      case 403:
        return fail(ErrorCode.CONNECT_FORBIDDEN, "The vault is not in the token's scope, or the token may only read it");
      case 404:
        return ConnectErrorMapper.notFound(response, parsed.isConnectShaped, connectMessage, details);
      case 413:
        return fail(ErrorCode.CONNECT_FILE_TOO_LARGE_TO_INLINE, 'The file is too large to inline; download its content instead');
      case 408:
        return fail(ErrorCode.CONNECT_UNAVAILABLE, 'The Connect server could not sync in time; try again later', ConnectErrorMapper.retryAfterHeaders(response.retryAfter));
      case 429:
        return fail(ErrorCode.CONNECT_UNAVAILABLE, 'The Connect server is rate limiting requests; try again later', ConnectErrorMapper.retryAfterHeaders(response.retryAfter));
    }
    if (status === 500 && connectMessage !== undefined && SYNC_NOT_READY_PATTERN.test(connectMessage)) {
      return fail(ErrorCode.CONNECT_SYNC_NOT_READY, 'The Connect server has not finished its initial sync with 1Password');
    }
    if (status >= 500) {
      return fail(ErrorCode.CONNECT_UNAVAILABLE, `The Connect server is unavailable (HTTP ${status})`, ConnectErrorMapper.retryAfterHeaders(response.retryAfter));
    }
    if (status >= 400) return fail(ErrorCode.CONNECT_BAD_REQUEST, `Connect rejected the request (HTTP ${status}): ${connectMessage ?? 'no reason given'}`);
    return ConnectErrorMapper.notAConnectServer(`unexpected HTTP status ${status}`, status);
  }

  /** Maps a request that got no HTTP answer. `idempotent` tells whether a write may have happened. */
  static fromNetworkError(error: unknown, context: { requestTimeoutMs: number; idempotent: boolean }): AppException {
    const { kind, code } = classifyNetworkError(error);
    const details = code === undefined ? undefined : { networkError: code };
    switch (kind) {
      case 'unreachable':
        return new AppException(ErrorCode.CONNECT_UNREACHABLE, 'The Connect server cannot be reached', details);
      case 'timeout':
        return new AppException(ErrorCode.CONNECT_TIMEOUT, `The Connect server did not answer within ${context.requestTimeoutMs} ms`, details);
      case 'tls':
        return new AppException(ErrorCode.CONNECT_TLS_ERROR, 'The TLS connection to the Connect server failed', details);
      case 'protocol':
        return ConnectErrorMapper.notAConnectServer('the server does not speak HTTP');
      case 'too-large':
        return ConnectErrorMapper.notAConnectServer(`its answer is larger than ${MAX_JSON_RESPONSE_BYTES / 1024 / 1024} MiB`);
      case 'reset':
        return new AppException(
          ErrorCode.CONNECT_UNAVAILABLE,
          context.idempotent
            ? 'The Connect server closed the connection'
            : 'The Connect server closed the connection; the change may or may not have been applied',
          details,
        );
      default:
        return new AppException(ErrorCode.CONNECT_UNAVAILABLE, 'The request to the Connect server failed', details);
    }
  }

  static notAConnectServer(reason: string, connectStatus?: number): AppException {
    return new AppException(
      ErrorCode.CONNECT_NOT_A_CONNECT_SERVER,
      `The server does not answer like a 1Password Connect server: ${reason}`,
      connectStatus === undefined ? undefined : { connectStatus },
    );
  }

  static circuitOpen(retryInMs: number): AppException {
    const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
    return new AppException(
      ErrorCode.CONNECT_CIRCUIT_OPEN,
      `The Connect server failed repeatedly; requests to it are paused for ${seconds} s`,
      { retryAfterSeconds: seconds },
      { 'Retry-After': String(seconds) },
    );
  }

  /** Whether the outcome says the server is down (counted by the circuit breaker). */
  static isServerDown(error: AppException): boolean {
    return SERVER_DOWN_CODES.has(error.code);
  }

  /**
   * Connect messages carry ids, not secrets; this is a second line of defence should one echo a token, whole or in
   * part: each of its dot-separated parts long enough to be secret (a JWT's signature alone is one) goes too.
   */
  static sanitize(message: string, secret: string): string {
    let clean = message;
    if (secret.length > 0) clean = clean.replaceAll(secret, '[REDACTED]');
    for (const part of secret.split('.')) if (part.length >= MIN_SECRET_PART_LENGTH) clean = clean.replaceAll(part, '[REDACTED]');
    clean = clean.replace(BEARER_PATTERN, 'Bearer [REDACTED]').replace(JWT_PATTERN, '[REDACTED]');
    return clean.length > MAX_MESSAGE_LENGTH ? `${clean.slice(0, MAX_MESSAGE_LENGTH)}…` : clean;
  }

  private static notFound(response: ConnectErrorResponse, isConnectShaped: boolean, connectMessage: string | undefined, details: Record<string, unknown>): AppException {
    // A 404 in some other server's format means the URL is not a Connect server, not that a vault is missing.
    if (!isConnectShaped && !response.hasVersionHeader) return ConnectErrorMapper.notAConnectServer('it does not know this Connect route', 404);
    const named = connectMessage === undefined ? undefined : NOT_FOUND_PATTERN.exec(connectMessage)?.[1]?.toLowerCase();
    switch (named ?? response.resource) {
      case 'vault':
        return new AppException(ErrorCode.VAULT_NOT_FOUND, 'Vault not found', details);
      case 'item':
        return new AppException(ErrorCode.ITEM_NOT_FOUND, 'Item not found', details);
      case 'file':
        return new AppException(ErrorCode.FILE_NOT_FOUND, 'File not found', details);
      default:
        return ConnectErrorMapper.notAConnectServer('it does not know this Connect route', 404);
    }
  }

  private static retryAfterHeaders(value: unknown): Record<string, string> | undefined {
    const ms = RetryPolicy.parseRetryAfterMs(value);
    return ms === undefined ? undefined : { 'Retry-After': String(Math.ceil(ms / 1000)) };
  }

  /** Connect errors are `{status, message}` JSON; anything else is kept as "no message". */
  private static parseErrorBody(body: string | undefined): { message?: string; isConnectShaped: boolean } {
    const text = body?.trimStart();
    if (!text?.startsWith('{')) return { isConnectShaped: false };
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      return typeof parsed?.message === 'string' ? { message: parsed.message, isConnectShaped: true } : { isConnectShaped: false };
    } catch {
      return { isConnectShaped: false };
    }
  }
}
