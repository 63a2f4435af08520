import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { Principal } from '../common/auth/principal.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { decodeCursor, encodeCursor } from '../common/pagination/cursor.js';
import { DEFAULT_PAGE_SIZE } from '../common/pagination/page-query.dto.js';
import type { Page } from '../common/pagination/page.js';
import { TenantTransaction } from '../database/tenant-transaction.js';
import type { AuditDraft } from './audit-record.js';
import { AuditEventDto } from './dto/audit-event.dto.js';
import { AuditEventFilterDto, AuditEventQueryDto, ExportFormat } from './dto/audit-event-query.dto.js';

/** A row of audit_events as the pg driver returns it (bigint `seq` arrives as a string). */
export interface StoredRecord extends AuditDraft {
  seq: string;
  recorded_at: Date;
  prev_hash: Buffer;
  hash: Buffer;
}

const COLUMNS = [
  'id', 'tenant_id', 'seq', 'recorded_at', 'type', 'request_id', 'request_event_id', 'action', 'read_only', 'outcome',
  'http_status', 'error_code', 'actor_type', 'actor_key_id', 'actor_name', 'actor_role', 'connected_account_id', 'vault_id',
  'item_id', 'file_id', 'resource_id', 'method', 'path', 'client_ip', 'user_agent', 'duration_us', 'details', 'event_version',
  'prev_hash', 'hash',
] as const;
const pairColumns = (alias: 'q' | 'r') => COLUMNS.map((c) => `${alias}.${c} AS ${alias}_${c}`).join(', ');
const PAIR_SELECT = `${pairColumns('q')}, ${pairColumns('r')}`;
const UNANSWERED_SELECT = `${pairColumns('q')}, ${COLUMNS.map((c) => `NULL AS r_${c}`).join(', ')}`;

/** The NDJSON line of a record: the same keys and value formats as exportRecord(). */
const NDJSON_LINE = `json_build_object(${COLUMNS.map((c) => {
  const value =
    c === 'recorded_at' ? `to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : c === 'prev_hash' || c === 'hash' ? `encode(e.${c}, 'hex')`
    : `e.${c}`;
  return `'${c}', ${value}`;
}).join(', ')})::text`;

type ExportRow = StoredRecord | { line: string };

/** Rows of a pair query: request record columns as q_*, response record columns as r_* (null when absent). */
type PairRow = Record<string, unknown>;

/** The list's sort key: recorded_at, then seq. */
const EVENT_KEY = ['timestamp', 'seq'] as const;
const EXPORT_WINDOW = 2000;
/**
 * Characters of export text per chunk written. A window's text in one string (2 MB at 1 KB a record) would be
 * a large object and a second copy of its lines; chunks of this size stay in the young generation.
 */
const EXPORT_CHUNK_CHARS = 64 * 1024;
const FILTER_COLUMNS: [keyof AuditEventFilterDto, string][] = [
  ['actorKeyId', 'actor_key_id'],
  ['action', 'action'],
  ['connectedAccountId', 'connected_account_id'],
  ['vaultId', 'vault_id'],
  ['itemId', 'item_id'],
  ['requestId', 'request_id'],
];

class Sql {
  readonly params: unknown[] = [];
  readonly where: string[] = [];
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/** The WHERE conditions of the filters on one alias (parameters go to `sql`). */
function filterConditions(sql: Sql, alias: string, filters: AuditEventFilterDto): string[] {
  const conditions: string[] = [];
  if (filters.from) conditions.push(`${alias}.recorded_at >= ${sql.param(filters.from)}::timestamptz`);
  if (filters.to) conditions.push(`${alias}.recorded_at < ${sql.param(filters.to)}::timestamptz`);
  for (const [key, column] of FILTER_COLUMNS) {
    const value = filters[key];
    if (value !== undefined) conditions.push(`${alias}.${column} = ${sql.param(value)}`);
  }
  return conditions;
}

const iso = (value: unknown): string => (value as Date).toISOString();
const hex = (value: unknown): string => (value as Buffer).toString('hex');

/** Reviewer reads: every query runs in the caller's tenant transaction, so row-level security backs the filter. */
@Injectable()
export class AuditEventsService {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  /**
   * Newest first. Without an outcome filter the list is driven by request records (each joined with its
   * outcome record, `unknown` when it has none); with an outcome filter, by outcome records.
   */
  async list(principal: Principal, query: AuditEventQueryDto): Promise<Page<AuditEventDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const sql = new Sql();
    const tenant = sql.param(principal.tenantId);
    const byOutcome = query.outcome !== undefined && query.outcome !== 'unknown';
    const d = byOutcome ? 'r' : 'q';
    sql.where.push(`${d}.tenant_id = ${tenant}`, `${d}.type = '${byOutcome ? 'response' : 'request'}'`);
    if (byOutcome) sql.where.push(`r.outcome = ${sql.param(query.outcome)}`);
    sql.where.push(...filterConditions(sql, d, query));
    const unknown = query.outcome === 'unknown';
    if (unknown) {
      // Requests with no outcome record: an anti-join against the outcome records that match the same
      // filters (they carry the same action, actor and resources, and none is older than its request).
      const answered = [`x.tenant_id = ${tenant}`, `x.type = 'response'`, 'x.request_event_id IS NOT NULL', ...filterConditions(sql, 'x', { ...query, to: undefined })];
      sql.where.push(`q.id NOT IN (SELECT x.request_event_id FROM audit_events x WHERE ${answered.join(' AND ')})`);
    }
    if (query.cursor) {
      const [time, seq] = decodeCursor(query.cursor, EVENT_KEY);
      sql.where.push(`(${d}.recorded_at, ${d}.seq) < (${sql.param(time)}::timestamptz, ${sql.param(seq)}::bigint)`);
    }
    const join = unknown
      ? 'FROM audit_events q'
      : byOutcome
      ? `FROM audit_events r LEFT JOIN LATERAL (
           SELECT * FROM audit_events x
           WHERE x.tenant_id = r.tenant_id AND x.id = r.request_event_id AND x.recorded_at <= r.recorded_at LIMIT 1) q ON true`
      : `FROM audit_events q LEFT JOIN LATERAL (
           SELECT * FROM audit_events x
           WHERE x.tenant_id = q.tenant_id AND x.request_id = q.request_id AND x.type = 'response' AND x.request_event_id = q.id
             AND x.recorded_at >= q.recorded_at
           ORDER BY x.seq LIMIT 1) r ON true`;
    const text = `SELECT ${unknown ? UNANSWERED_SELECT : PAIR_SELECT} ${join} WHERE ${sql.where.join(' AND ')}
      ORDER BY ${d}.recorded_at DESC, ${d}.seq DESC LIMIT ${sql.param(limit + 1)}`;
    const rows: PairRow[] = await this.tenantTransaction.run(principal.tenantId, (m) => m.query(text, sql.params));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map((row) => eventFrom(row)),
      nextCursor: rows.length > limit && last ? encodeCursor([iso(last[`${d}_recorded_at`]), Number(last[`${d}_seq`])]) : null,
    };
  }

  /** One event by the id of either of its records. */
  get(principal: Principal, id: string): Promise<AuditEventDto> {
    return this.tenantTransaction.run(principal.tenantId, async (m) => {
      const [record]: StoredRecord[] = await m.query('SELECT * FROM audit_events WHERE tenant_id = $1 AND id = $2 LIMIT 1', [principal.tenantId, id]);
      if (!record) throw new AppException(ErrorCode.AUDIT_EVENT_NOT_FOUND, `Audit event ${id} not found`);
      let pair: StoredRecord | undefined;
      if (record.type === 'request') {
        [pair] = await m.query(
          `SELECT * FROM audit_events WHERE tenant_id = $1 AND request_id = $2 AND type = 'response' AND request_event_id = $3 AND recorded_at >= $4
           ORDER BY seq LIMIT 1`,
          [principal.tenantId, record.request_id, record.id, record.recorded_at],
        );
      } else if (record.request_event_id) {
        [pair] = await m.query('SELECT * FROM audit_events WHERE tenant_id = $1 AND id = $2 AND recorded_at <= $3 LIMIT 1', [
          principal.tenantId,
          record.request_event_id,
          record.recorded_at,
        ]);
      }
      const [request, response] = record.type === 'request' ? [record, pair] : [pair, record];
      const row: PairRow = {};
      for (const c of COLUMNS) {
        row[`q_${c}`] = request ? request[c] : null;
        row[`r_${c}`] = response ? response[c] : null;
      }
      return eventFrom(row);
    });
  }

  /**
   * The tenant's stored records in chain order (both types), streamed in windows of 2000 seq, each read in its
   * own short transaction: memory stays flat whatever the size, and each query is a bounded index range scan
   * whatever the planner's statistics say. The first window is read before the answer starts, so an early
   * failure is still a proper error response.
   */
  async export(principal: Principal, filters: AuditEventFilterDto, format: ExportFormat): Promise<Readable> {
    const windows = this.exportWindows(principal.tenantId, filters, format);
    const first = await windows.next();
    const lines = async function* () {
      if (format === 'csv') yield `${COLUMNS.join(',')}\r\n`;
      if (first.done) return;
      let batch: ExportRow[] = first.value;
      for (;;) {
        let chunk = '';
        for (const row of batch) {
          chunk += format === 'csv' ? csvLine(row as StoredRecord) : `${(row as { line: string }).line}\n`;
          if (chunk.length >= EXPORT_CHUNK_CHARS) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk) yield chunk;
        const next = await windows.next();
        if (next.done) return;
        batch = next.value;
      }
    };
    return Readable.from(lines(), { objectMode: false });
  }

  /** Non-empty windows of matching records, up to the newest seq at the start of the export. */
  private async *exportWindows(tenantId: string, filters: AuditEventFilterDto, format: ExportFormat): AsyncGenerator<ExportRow[]> {
    const seqAfter = async (after: number): Promise<number | null> => {
      const [row] = await this.tenantTransaction.run(tenantId, (m) =>
        m.query('SELECT min(seq) AS seq FROM audit_events WHERE tenant_id = $1 AND seq > $2', [tenantId, after]),
      );
      return row?.seq === null || row?.seq === undefined ? null : Number(row.seq);
    };
    const [top] = await this.tenantTransaction.run(tenantId, (m) => m.query('SELECT max(seq) AS seq FROM audit_events WHERE tenant_id = $1', [tenantId]));
    const last = top?.seq === null || top?.seq === undefined ? 0 : Number(top.seq);
    let next = await seqAfter(0);
    while (next !== null && next <= last) {
      const low = next - 1;
      const rows = await this.exportWindow(tenantId, filters, format, low, Math.min(low + EXPORT_WINDOW, last));
      if (rows.length > 0) yield rows;
      next = low + EXPORT_WINDOW < last ? await seqAfter(low + EXPORT_WINDOW) : null;
    }
  }

  private exportWindow(tenantId: string, filters: AuditEventFilterDto, format: ExportFormat, low: number, high: number): Promise<ExportRow[]> {
    const sql = new Sql();
    sql.where.push(`e.tenant_id = ${sql.param(tenantId)}`, `e.seq > ${sql.param(low)}`, `e.seq <= ${sql.param(high)}`);
    sql.where.push(...filterConditions(sql, 'e', filters));
    if (filters.outcome === 'unknown') {
      sql.where.push(`e.type = 'request'`, `NOT EXISTS (SELECT 1 FROM audit_events x WHERE x.tenant_id = e.tenant_id AND x.request_id = e.request_id
        AND x.type = 'response' AND x.request_event_id = e.id AND x.recorded_at >= e.recorded_at)`);
    } else if (filters.outcome) {
      sql.where.push(`e.type = 'response'`, `e.outcome = ${sql.param(filters.outcome)}`);
    }
    // NDJSON lines are built by Postgres: no row parsing in the service (the export is bounded by the database).
    const columns = format === 'ndjson' ? `${NDJSON_LINE} AS line` : '*';
    const text = `SELECT ${columns} FROM audit_events e WHERE ${sql.where.join(' AND ')} ORDER BY e.seq, e.id`;
    return this.tenantTransaction.run(tenantId, (m) => m.query(text, sql.params));
  }
}

function eventFrom(row: PairRow): AuditEventDto {
  const hasRequest = row.q_id !== null && row.q_id !== undefined;
  const hasResponse = row.r_id !== null && row.r_id !== undefined;
  const p = hasRequest ? 'q_' : 'r_';
  const v = <T>(column: string) => row[p + column] as T;
  const records = [];
  if (hasRequest) records.push({ id: row.q_id as string, type: 'request', seq: Number(row.q_seq), recordedAt: iso(row.q_recorded_at), hash: hex(row.q_hash) });
  if (hasResponse) records.push({ id: row.r_id as string, type: 'response', seq: Number(row.r_seq), recordedAt: iso(row.r_recorded_at), hash: hex(row.r_hash) });
  return {
    id: v<string>('id'),
    requestId: v<string>('request_id'),
    time: iso(v('recorded_at')),
    completedAt: hasResponse ? iso(row.r_recorded_at) : null,
    tenantId: v<string>('tenant_id'),
    actor: { type: v<string>('actor_type'), keyId: v<string | null>('actor_key_id'), name: v<string | null>('actor_name'), role: v<string | null>('actor_role') },
    action: v<string>('action'),
    readOnly: v<boolean>('read_only'),
    outcome: hasResponse ? (row.r_outcome as AuditEventDto['outcome']) : 'unknown',
    httpStatus: hasResponse ? (row.r_http_status as number | null) : null,
    errorCode: hasResponse ? (row.r_error_code as string | null) : null,
    resources: {
      connectedAccountId: v<string | null>('connected_account_id'),
      vaultId: v<string | null>('vault_id'),
      itemId: v<string | null>('item_id'),
      fileId: v<string | null>('file_id'),
      resourceId: v<string | null>('resource_id'),
    },
    method: v<string>('method'),
    path: v<string>('path'),
    clientIp: v<string | null>('client_ip'),
    userAgent: v<string | null>('user_agent'),
    durationMs: hasResponse && row.r_duration_us !== null ? (row.r_duration_us as number) / 1000 : null,
    summary: hasRequest ? (row.q_details as Record<string, unknown> | null) : null,
    outcomeDetails: hasResponse ? (row.r_details as Record<string, unknown> | null) : null,
    eventVersion: v<string>('event_version'),
    records,
  };
}

/**
 * An exported line is the stored record itself: column names as keys, `seq` a number, `recorded_at` ISO-8601,
 * hashes in hex. So `hash == SHA-256(prev_hash || canonical JSON of the line without prev_hash and hash)`
 * can be checked offline (see audit-chain.ts).
 */
export function exportRecord(record: StoredRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of COLUMNS) out[c] = record[c];
  out.seq = Number(record.seq);
  out.recorded_at = record.recorded_at.toISOString();
  out.prev_hash = record.prev_hash.toString('hex');
  out.hash = record.hash.toString('hex');
  return out;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 field; text that a spreadsheet would run as a formula is prefixed with an apostrophe. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(record: StoredRecord): string {
  const values = exportRecord(record);
  return `${COLUMNS.map((c) => csvField(values[c])).join(',')}\r\n`;
}
