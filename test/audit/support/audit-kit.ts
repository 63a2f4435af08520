import { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { AuditWriter } from '../../../src/audit/audit-writer.js';

/** A superuser connection to this run's test database (bypasses RLS and, with `replica`, triggers). */
export async function adminDb(): Promise<pg.Client> {
  const url = new URL(process.env.WRK_TEST_ADMIN_DATABASE_URL!);
  url.pathname = `/${process.env.WRK_TEST_DATABASE_NAME}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return client;
}

export const APP_ROLE = 'wrk_onepassword_app';

/** Waits until every queued audit record (outcome records are written after the answer) is committed. */
export async function auditSettled(app: NestFastifyApplication): Promise<void> {
  const drained = await app.get(AuditWriter).drain(10_000);
  if (!drained) throw new Error('audit writer did not drain');
}

export interface AuditRow {
  id: string;
  tenant_id: string;
  seq: string;
  recorded_at: Date;
  type: 'request' | 'response';
  request_id: string;
  request_event_id: string | null;
  action: string;
  read_only: boolean;
  outcome: string | null;
  http_status: number | null;
  error_code: string | null;
  actor_type: string;
  actor_key_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  connected_account_id: string | null;
  vault_id: string | null;
  item_id: string | null;
  file_id: string | null;
  resource_id: string | null;
  method: string;
  path: string;
  client_ip: string | null;
  user_agent: string | null;
  duration_us: number | null;
  details: Record<string, unknown> | null;
}

/** The request and outcome records of one request id, as stored. */
export async function recordsOf(db: pg.Client, requestId: string): Promise<{ request: AuditRow; response: AuditRow; all: AuditRow[] }> {
  const { rows } = await db.query<AuditRow>('SELECT * FROM audit_events WHERE request_id = $1 ORDER BY seq', [requestId]);
  const request = rows.find((r) => r.type === 'request')!;
  const response = rows.find((r) => r.type === 'response')!;
  return { request, response, all: rows };
}
