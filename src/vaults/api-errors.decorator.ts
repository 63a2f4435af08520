import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { ERROR_HTTP_STATUS } from '../common/errors/error-http-status.map.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';

/** What each code means to a caller of the vault, item and file routes, with an example message. */
const EXPLAINED: Partial<Record<ErrorCode, [string, string, Record<string, unknown>?]>> = {
  [ErrorCode.VALIDATION_FAILED]: ['a parameter, header or body property is missing, malformed or too long (details.problems names each)', 'Request validation failed',
    { problems: [{ property: 'vaultId', constraints: ['vaultId must be a 1Password id (26 characters a-z, 0-9); add ?by=title to look it up by title'] }] }],
  [ErrorCode.MALFORMED_BODY]: ['the body is not JSON, or holds a "__proto__" key (or "constructor" with "prototype")', 'The request body is not valid JSON'],
  [ErrorCode.BODY_TOO_DEEPLY_NESTED]: ['objects and arrays in the body nest more than 64 levels deep', 'The request body nests objects and arrays more than 64 levels deep', { maxDepth: 64 }],
  [ErrorCode.CONNECT_BAD_REQUEST]: ['the Connect server refused the request (its message is in details.connectMessage)', 'Connect rejected the request: Invalid item category',
    { connectStatus: 400, connectMessage: 'Invalid item category' }],
  [ErrorCode.FIELD_NOT_FOUND]: ['a field named in the PATCH body (by label or id) is not in the item', 'No field labelled "api key" in the item',
    { property: 'fields.0', label: 'api key' }],
  [ErrorCode.FIELD_AMBIGUOUS]: ['several fields of the item carry the label; name the section or use the field id', '2 fields are labelled "password"; add "section" or use "id"',
    { property: 'fields.0', label: 'password', candidates: [{ id: 'password', label: 'password', section: null }, { id: 'k2j3h4g5f6d7s8a9q0w1e2r3t4', label: 'password', section: 'Old' }] }],
  [ErrorCode.UNAUTHENTICATED]: ['missing, unknown or revoked API key', 'Unknown or revoked API key'],
  [ErrorCode.FORBIDDEN]: ['the API key\'s role may not use this route (admin and operator may)', 'This route needs one of the roles: admin, operator; the key has role auditor'],
  [ErrorCode.CONNECT_FORBIDDEN]: ["the vault is outside the Connect token's scope, or the token may only read it", "The vault is not in the token's scope, or the token may only read it",
    { connectStatus: 403, connectMessage: 'vault ytrfte14kw1uex5txaore1emkz is not in scope' }],
  [ErrorCode.CONNECTED_ACCOUNT_NOT_FOUND]: ["no connected account with this id in the caller's tenant", 'Connected account 3f8e2a4c-5b1d-4c7e-9a2f-6d0b1e9c8a74 not found'],
  [ErrorCode.VAULT_NOT_FOUND]: ['no such vault (or, with by=title, no vault of that name)', 'Vault not found', { connectStatus: 404, connectMessage: 'vault ytrfte14kw1uex5txaore1emkz not found' }],
  [ErrorCode.ITEM_NOT_FOUND]: ['no such item in the vault (or, with by=title, no item of that title)', 'Item not found', { connectStatus: 404, connectMessage: 'item wepiqdxdzncjtnvmv5fegud4qy not found' }],
  [ErrorCode.FILE_NOT_FOUND]: ['no such file on the item (or, with by=title, no file of that name)', 'File not found', { connectStatus: 404, connectMessage: 'file 6r65pjq33banznomn7q22sj44e not found' }],
  [ErrorCode.OTP_NOT_FOUND]: ['the item has no one-time password field', 'The item has no one-time password (OTP) field'],
  [ErrorCode.AMBIGUOUS_TITLE]: ['with by=title, several vaults, items or files carry the title; details.candidates lists them (id, vaultId, title, updatedAt)', '2 items are titled "db"; use one of their ids instead',
    { kind: 'item', title: 'db', candidates: [{ id: 'wepiqdxdzncjtnvmv5fegud4qy', vaultId: 'ytrfte14kw1uex5txaore1emkz', title: 'db', updatedAt: '2026-11-27T15:00:00Z' }, { id: 'k2j3h4g5f6d7s8a9q0w1e2r3t4', vaultId: 'ytrfte14kw1uex5txaore1emkz', title: 'db', updatedAt: '2026-11-01T08:30:00Z' }] }],
  [ErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS]: ['a create with the same Idempotency-Key is still running; retry later', 'A create with this Idempotency-Key is still in progress; retry in a few seconds'],
  [ErrorCode.VERSION_MISMATCH]: ['If-Match names another version than the item\'s current one; nothing was changed', 'The item is at version 4, not 3; read it again and retry',
    { expectedVersion: 3, currentVersion: 4 }],
  [ErrorCode.CONNECT_FILE_TOO_LARGE_TO_INLINE]: ['inline=true, but a file is above the Connect server\'s inline limit; download it from /content instead', 'The file is too large to inline; download its content instead',
    { connectStatus: 413 }],
  [ErrorCode.PAYLOAD_TOO_LARGE]: ['the body is larger than 1 MiB', 'Request body is too large'],
  [ErrorCode.IDEMPOTENCY_KEY_REUSED]: ['the Idempotency-Key was used before with another request (body, vault or account)', 'This Idempotency-Key was used with a different request'],
  [ErrorCode.CONNECT_TOKEN_REJECTED]: ['the Connect server rejected the stored token (revoked or expired): update the connected account', 'The Connect server rejected the access token',
    { connectStatus: 401, connectMessage: 'Invalid token signature' }],
  [ErrorCode.CONNECT_UNREACHABLE]: ['the Connect server cannot be reached', 'The Connect server cannot be reached', { networkError: 'ECONNREFUSED' }],
  [ErrorCode.CONNECT_TLS_ERROR]: ['the TLS connection to the Connect server failed', 'The TLS connection to the Connect server failed'],
  [ErrorCode.CONNECT_NOT_A_CONNECT_SERVER]: ['the URL does not answer like a Connect server', 'The server does not answer like a 1Password Connect server: expected a JSON object'],
  [ErrorCode.CONNECT_UNAVAILABLE]: ['the Connect server kept failing (5xx, 408 sync timeout, 429) after retries; Retry-After may be set', 'The Connect server is unavailable (HTTP 503)', { connectStatus: 503 }],
  [ErrorCode.CONNECT_SYNC_NOT_READY]: ['the Connect server has not finished its first sync with 1Password', 'The Connect server has not finished its initial sync with 1Password'],
  [ErrorCode.CONNECT_CIRCUIT_OPEN]: ['the Connect server failed repeatedly; calls are paused (Retry-After)', 'The Connect server failed repeatedly; requests to it are paused for 5 s', { retryAfterSeconds: 5 }],
  [ErrorCode.AUDIT_UNAVAILABLE]: ['the audit record could not be written, so Connect was not called', 'The audit log cannot be written; the request was not performed'],
  [ErrorCode.CONNECT_TIMEOUT]: ['the Connect server did not answer in time', 'The Connect server did not answer within 10000 ms'],
  [ErrorCode.DECRYPTION_FAILED]: ["the account's stored token cannot be decrypted", 'The stored secret cannot be decrypted'],
  [ErrorCode.ENCRYPTION_KEY_UNKNOWN]: ["the key that sealed the account's token is not in the key ring", 'The encryption key of the stored secret is not configured'],
  [ErrorCode.INTERNAL_ERROR]: ['an unexpected error; the request id finds it in the logs', 'Internal error'],
};

/** Every route that reaches a Connect server can meet these. */
export const CONNECT_CALL_ERRORS: ErrorCode[] = [
  ErrorCode.VALIDATION_FAILED, ErrorCode.CONNECT_BAD_REQUEST, ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.CONNECT_FORBIDDEN,
  ErrorCode.CONNECTED_ACCOUNT_NOT_FOUND, ErrorCode.CONNECT_TOKEN_REJECTED, ErrorCode.CONNECT_UNREACHABLE, ErrorCode.CONNECT_TLS_ERROR,
  ErrorCode.CONNECT_NOT_A_CONNECT_SERVER, ErrorCode.CONNECT_UNAVAILABLE, ErrorCode.CONNECT_SYNC_NOT_READY, ErrorCode.CONNECT_CIRCUIT_OPEN,
  ErrorCode.AUDIT_UNAVAILABLE, ErrorCode.CONNECT_TIMEOUT, ErrorCode.DECRYPTION_FAILED, ErrorCode.ENCRYPTION_KEY_UNKNOWN, ErrorCode.INTERNAL_ERROR,
];

/**
 * Documents every error code a route can return: one response per HTTP status, whose description lists the
 * codes and what each means, with one example body per code. Includes 401/403 of `@Roles`, so apply it last.
 */
export function ApiErrors(...extra: ErrorCode[]): MethodDecorator {
  const codes = [...new Set([...CONNECT_CALL_ERRORS, ...extra])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_HTTP_STATUS[code], [...(byStatus.get(ERROR_HTTP_STATUS[code]) ?? []), code]);
  const decorators = [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, group]) =>
      ApiResponse({
        status,
        type: ErrorResponseDto,
        description: group.map((code) => `\`${code}\`: ${EXPLAINED[code]?.[0] ?? code}`).join('; '),
        examples: Object.fromEntries(
          group.map((code) => {
            const [, message, details] = EXPLAINED[code] ?? [code, code];
            return [code, { summary: code, value: { error: { code, message, requestId: '5f0c9a1e-3b7d-4a43-9e63-0b1c2d3e4f50', ...(details ? { details } : {}) } } }];
          }),
        ),
      }),
    );
  return applyDecorators(...decorators);
}
