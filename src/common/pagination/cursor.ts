import { AppException } from '../errors/app-exception.js';
import { ErrorCode } from '../errors/error-code.enum.js';

/** Date#toISOString() of years 0001–9999: what both JavaScript and Postgres read back as the same instant. */
const ISO_TIMESTAMP = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The kinds of value a sort key holds. Cursors are not signed (nothing in one is secret, and rows stay behind
 * the tenant's row-level security), so each part is checked against its kind before it reaches a query: a
 * hand-made cursor is a 400, never a database error.
 */
const KEY_PARTS = {
  // The round trip rejects dates that do not exist (2026-02-30) rather than rolling them over.
  timestamp: (v: unknown) => typeof v === 'string' && ISO_TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString() === v,
  uuid: (v: unknown) => typeof v === 'string' && UUID.test(v),
  text: (v: unknown) => typeof v === 'string',
  /** A bigint sequence number as served: a non-negative safe integer. */
  seq: (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
};

export type KeyPart = keyof typeof KEY_PARTS;
type KeyValue<P extends KeyPart> = P extends 'seq' ? number : string;
/** The sort key of a list, e.g. `['timestamp', 'uuid']`; its cursors decode to a tuple of matching values. */
export type KeyShape = readonly KeyPart[];
type DecodedKey<S extends KeyShape> = { -readonly [I in keyof S]: KeyValue<S[I]> };

/** Cursors are opaque to clients: base64url JSON of the sort key of the last row served. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

export function decodeCursor<const S extends KeyShape>(cursor: string, shape: S): DecodedKey<S> {
  let key: unknown;
  try {
    key = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown } | null)?.k;
  } catch {
    // fall through to the error below
  }
  if (Array.isArray(key) && key.length === shape.length && shape.every((part, i) => KEY_PARTS[part](key[i]))) return key as DecodedKey<S>;
  throw new AppException(ErrorCode.VALIDATION_FAILED, 'cursor is not a cursor this API issued', { problems: [{ property: 'cursor', constraints: ['invalid cursor'] }] });
}
