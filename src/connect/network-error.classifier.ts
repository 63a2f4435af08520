import { CONNECT_TIMEOUT_CODE } from './connect-agent.factory.js';
import { RESPONSE_TOO_LARGE_CODE } from './connect-http.adapter.js';

/** What went wrong below HTTP: decides both retrying (only `reset`) and the error code we report. */
export type NetworkFailureKind = 'reset' | 'unreachable' | 'timeout' | 'tls' | 'protocol' | 'too-large' | 'unknown';

export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** A system or library error code such as `ECONNREFUSED`: safe to show, never a message or config. */
  code?: string;
}

/** undici's UND_ERR_SOCKET: the server closed the connection before the whole answer arrived. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
/** undici's own timers: the stall of a streamed body (the request deadline is ours and says ETIMEDOUT). */
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EAI_AGAIN', 'EADDRNOTAVAIL',
  CONNECT_TIMEOUT_CODE, 'UND_ERR_CONNECT_TIMEOUT',
]);
const TLS_CODES = new Set([
  'EPROTO', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH', 'INVALID_CA', 'INVALID_PURPOSE',
]);

interface CodedError {
  code?: unknown;
  syscall?: unknown;
  cause?: unknown;
  message?: unknown;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as CodedError | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Classifies an error for a request that produced no HTTP response. ConnectClient's transport
 * (connect-http.adapter.ts) rejects with the socket's, Node's or undici's error itself; an error that wraps one (axios's
 * own adapters copy its `code` and keep it as `cause`) is read through to it.
 */
export function classifyNetworkError(error: unknown): NetworkFailure {
  const cause = (error as CodedError | null)?.cause;
  const source = (codeOf(cause) === undefined ? error : cause) as CodedError | undefined;
  const code = codeOf(source);
  if (code === undefined) return { kind: 'unknown' };
  if (RESET_CODES.has(code)) return { kind: 'reset', code };
  if (UNREACHABLE_CODES.has(code)) return { kind: 'unreachable', code };
  if (TIMEOUT_CODES.has(code)) {
    // The OS giving up on a TCP connect is "unreachable"; a request timer firing is a slow server.
    return source?.syscall === 'connect' ? { kind: 'unreachable', code } : { kind: 'timeout', code: 'ETIMEDOUT' };
  }
  if (TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) return { kind: 'tls', code };
  // The peer does not speak HTTP (llhttp's errors, in undici as in Node).
  if (code.startsWith('HPE_')) return { kind: 'protocol', code };
  if (code === RESPONSE_TOO_LARGE_CODE) return { kind: 'too-large', code };
  return { kind: 'unknown', code };
}
