import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ApiRequest } from '../common/http/api-request.js';
import { validationFailed } from '../vaults/connect-ref.util.js';
import { IDEMPOTENCY_KEY_PATTERN } from './dto/item-actions.dto.js';

function header(context: ExecutionContext, name: string): string | undefined {
  const value = context.switchToHttp().getRequest<ApiRequest>().headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** `Idempotency-Key`: 1-255 printable ASCII characters, or absent. */
export const IdempotencyKeyHeader = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const value = header(context, 'idempotency-key');
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(value)) throw validationFailed('Idempotency-Key', 'the Idempotency-Key header must be 1-255 printable ASCII characters');
  return value;
});

const VERSION_TAG = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/;

/**
 * `If-Match: <item version>` (quoted or not, as an entity tag would be): the version the caller last read.
 * `*` or no header means any version.
 */
export const IfMatchVersion = createParamDecorator((_: unknown, context: ExecutionContext): number | undefined => {
  const value = header(context, 'if-match');
  if (value === undefined || value.trim() === '*') return undefined;
  const match = VERSION_TAG.exec(value);
  if (!match) throw validationFailed('If-Match', 'the If-Match header must be the item version, e.g. If-Match: 3 (or "3")');
  return Number(match[1]);
});
