import { AppException } from '../errors/app-exception.js';
import { ErrorCode } from '../errors/error-code.enum.js';

/** Cursors are opaque to clients: base64url JSON of the sort key of the last row served. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

export function decodeCursor(cursor: string): (string | number)[] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (Array.isArray(parsed.k) && parsed.k.every((v) => typeof v === 'string' || typeof v === 'number')) return parsed.k;
  } catch {
    // fall through to the error below
  }
  throw new AppException(ErrorCode.VALIDATION_FAILED, 'cursor is not a cursor this API issued', { problems: [{ property: 'cursor', constraints: ['invalid cursor'] }] });
}
