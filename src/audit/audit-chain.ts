import crypto from 'node:crypto';
import { GENESIS_HASH } from './audit.constants.js';

/**
 * The hash chain: `hash_n = SHA-256(prev_hash_n || canonical JSON of record n)`, where `prev_hash_n` is
 * `hash_(n-1)` (GENESIS_HASH, 32 zero bytes, for seq 1). The canonical JSON (RFC 8785 style: keys sorted, no
 * whitespace, ECMAScript number and string serialisation) covers every column except `prev_hash` and `hash`,
 * with the column names as keys, so the same function hashes a record in the writer and a row read back by
 * the verifier (or a line of an NDJSON export, offline).
 */
export const HASHED_COLUMNS = [
  'action', 'actor_key_id', 'actor_name', 'actor_role', 'actor_type', 'client_ip', 'connected_account_id',
  'details', 'duration_us', 'error_code', 'event_version', 'file_id', 'http_status', 'id', 'item_id', 'method',
  'outcome', 'path', 'read_only', 'recorded_at', 'request_event_id', 'request_id', 'resource_id', 'seq',
  'tenant_id', 'type', 'user_agent', 'vault_id',
] as const;
export type HashedColumn = (typeof HASHED_COLUMNS)[number];
export type HashedValues = Record<HashedColumn, unknown>;

/** Canonical JSON of a JSON value: object keys sorted by UTF-16 code units, undefined properties left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return 'null';
  }
  if (value instanceof Date) return quote(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${quote(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

// JSON.stringify escapes '"', '\', C0 controls and lone surrogates; anything else is copied as is.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** A column value (same output as canonicalJson, with a fast path for strings and nulls). */
const c = (value: unknown): string => (typeof value === 'string' ? quote(value) : value === null ? 'null' : canonicalJson(value));

/**
 * The canonical form of one record, `seq` a number and `recorded_at` an ISO-8601 string with milliseconds.
 * Written out key by key (in HASHED_COLUMNS order) because it runs twice per request on the hot path.
 */
export function canonicalRecordOf(v: Omit<HashedValues, 'seq' | 'recorded_at'>, seq: unknown, recordedAt: unknown): string {
  return `{"action":${c(v.action)},"actor_key_id":${c(v.actor_key_id)},"actor_name":${c(v.actor_name)},"actor_role":${c(v.actor_role)},"actor_type":${c(v.actor_type)},"client_ip":${c(v.client_ip)},"connected_account_id":${c(v.connected_account_id)},"details":${c(v.details)},"duration_us":${c(v.duration_us)},"error_code":${c(v.error_code)},"event_version":${c(v.event_version)},"file_id":${c(v.file_id)},"http_status":${c(v.http_status)},"id":${c(v.id)},"item_id":${c(v.item_id)},"method":${c(v.method)},"outcome":${c(v.outcome)},"path":${c(v.path)},"read_only":${c(v.read_only)},"recorded_at":${c(recordedAt)},"request_event_id":${c(v.request_event_id)},"request_id":${c(v.request_id)},"resource_id":${c(v.resource_id)},"seq":${c(seq)},"tenant_id":${c(v.tenant_id)},"type":${c(v.type)},"user_agent":${c(v.user_agent)},"vault_id":${c(v.vault_id)}}`;
}

export function canonicalRecord(values: HashedValues): string {
  return canonicalRecordOf(values, values.seq, values.recorded_at);
}

/** SHA-256(prevHash || canonical), one-shot (`crypto.hash`): it runs twice per request. */
export function hashCanonical(prevHash: Buffer, canonical: string): Buffer {
  return crypto.hash('sha256', Buffer.concat([prevHash, Buffer.from(canonical, 'utf8')]), 'buffer');
}

export function chainHash(prevHash: Buffer, values: HashedValues): Buffer {
  return hashCanonical(prevHash, canonicalRecord(values));
}

export { GENESIS_HASH };
