import { CONNECT_TIMEOUT_CODE } from './connect-agent.factory.js';
import { RESPONSE_TOO_LARGE_CODE } from './connect-http.adapter.js';

/** What went wrong below HTTP: decides both retrying (only `reset`) and the error code we report. */
export type NetworkFailureKind = 'reset' | 'unreachable' | 'timeout' | 'tls' | 'protocol' | 'too-large' | 'unknown';

export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** A system or library error code such as `ECONNREFUSED`: safe to show, never a message or config. */
  code?: string;
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EAI_AGAIN', 'EADDRNOTAVAIL',
  CONNECT_TIMEOUT_CODE,
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

/** axios reports a body cut off after the headers as its own error, without the socket's ECONNRESET. */
function isAbortedBody(error: unknown): boolean {
  const { code, message } = (error as CodedError | null) ?? {};
  return code === 'ERR_BAD_RESPONSE' && typeof message === 'string' && message.includes('aborted');
}

function codeOf(error: unknown): string | undefined {
  const code = (error as CodedError | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Classifies an error thrown by axios (or Node) for a request that produced no HTTP response. axios copies
 * the Node error's `code` onto its own error and keeps the original as `cause`; its own timeout has no cause;
 * ConnectClient's transport (connect-http.adapter.ts) rejects with the Node error itself.
 */
export function classifyNetworkError(error: unknown): NetworkFailure {
  const cause = (error as CodedError | null)?.cause;
  if (isAbortedBody(error)) return { kind: 'reset', code: 'ECONNRESET' };
  // The Node error itself (ConnectClient's transport), or the one axios wrapped.
  const source = (codeOf(cause) === undefined ? error : cause) as CodedError | undefined;
  const code = codeOf(source);
  if (code === undefined) return { kind: 'unknown' };
  if (RESET_CODES.has(code)) return { kind: 'reset', code };
  if (UNREACHABLE_CODES.has(code)) return { kind: 'unreachable', code };
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
    // The OS giving up on a TCP connect is "unreachable"; axios's own timer firing is a slow server.
    return source?.syscall === 'connect' ? { kind: 'unreachable', code } : { kind: 'timeout', code: 'ETIMEDOUT' };
  }
  if (TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) return { kind: 'tls', code };
  // The peer does not speak HTTP (Node's parser errors).
  if (code.startsWith('HPE_')) return { kind: 'protocol', code };
  if (code === RESPONSE_TOO_LARGE_CODE) return { kind: 'too-large', code };
  return { kind: 'unknown', code };
}
