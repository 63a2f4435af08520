import pg from 'pg';
import { AUDIT_EVENT_VERSION } from '../../src/audit/audit.constants.js';

/** The ten actions the synthetic records cycle through (pair p has action ACTIONS[p % 10]). */
export const SEED_ACTIONS = [
  'items.get', 'items.list', 'items.create', 'items.patch', 'files.content', 'vaults.list', 'items.delete', 'items.replace', 'files.get', 'vaults.get',
] as const;
/** Pair p names vault seedVault(p % 20) and actor key seedActor(p % 4); 1 pair in 50 is denied. */
export const seedVault = (index: number) => `benchvault${String(index).padStart(16, '0')}`;
export const seedActor = (index: number) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
export const SEED_VAULTS = 20;
export const SEED_ACTORS = 4;

/** g = from..to of 1..count; pair p = (g + 1) / 2: odd g is the request record, even g its outcome record. */
const INSERT_SQL = `INSERT INTO audit_events (id, tenant_id, seq, recorded_at, type, request_id, request_event_id, action, read_only, outcome,
     http_status, error_code, actor_type, actor_key_id, actor_name, actor_role, connected_account_id, vault_id, item_id, file_id,
     resource_id, method, path, client_ip, user_agent, duration_us, details, event_version, prev_hash, hash)
   SELECT
     md5($1::text || ':' || s.seq)::uuid,
     $1::uuid,
     s.seq,
     now() - make_interval(secs => ($2::bigint + $3::bigint - s.seq) * 0.2),
     CASE WHEN s.g % 2 = 1 THEN 'request' ELSE 'response' END,
     'bench-' || s.p,
     CASE WHEN s.g % 2 = 0 THEN md5($1::text || ':' || (s.seq - 1))::uuid END,
     (ARRAY[${SEED_ACTIONS.map((a) => `'${a}'`).join(',')}])[s.p % 10 + 1],
     (s.p % 10) NOT IN (2, 3, 6, 7),
     CASE WHEN s.g % 2 = 0 THEN (CASE WHEN s.p % 50 = 0 THEN 'denied' ELSE 'success' END) END,
     CASE WHEN s.g % 2 = 0 THEN (CASE WHEN s.p % 50 = 0 THEN 403 ELSE 200 END) END,
     CASE WHEN s.g % 2 = 0 AND s.p % 50 = 0 THEN 'CONNECT_FORBIDDEN' END,
     'api-key',
     ('00000000-0000-4000-8000-' || lpad((s.p % ${SEED_ACTORS})::text, 12, '0'))::uuid,
     'bench key ' || (s.p % ${SEED_ACTORS}),
     'operator',
     '6f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
     'benchvault' || lpad((s.p % ${SEED_VAULTS})::text, 16, '0'),
     substr(md5('item' || (s.p % 5000)), 1, 26),
     NULL,
     NULL,
     CASE s.p % 10 WHEN 2 THEN 'POST' WHEN 3 THEN 'PATCH' WHEN 6 THEN 'DELETE' WHEN 7 THEN 'PUT' ELSE 'GET' END,
     '/v1/connected-accounts/6f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b/vaults/benchvault' || lpad((s.p % ${SEED_VAULTS})::text, 16, '0') || '/items/' || substr(md5('item' || (s.p % 5000)), 1, 26),
     '127.0.0.1',
     'wrk-bench',
     CASE WHEN s.g % 2 = 0 THEN 1000 + (s.p % 9000) END,
     CASE WHEN s.g % 2 = 1 AND s.p % 10 = 1 THEN '{"query":{"limit":"50"}}'::jsonb END,
     $4,
     sha256(int8send(s.seq - 1)),
     sha256(int8send(s.seq))
   FROM (SELECT g, $2::bigint + g AS seq, (g + 1) / 2 AS p FROM generate_series($5::bigint, $6::bigint) AS g) AS s`;

/**
 * Appends `count` synthetic audit records (count/2 request+outcome pairs) to `tenantId`'s chain with
 * INSERT ... SELECT generate_series (the seq range split over `parallel` connections), as the database owner (the app role may only call audit_append). The
 * rows have the real shape (every column, request/response pairs linked by request_event_id, seq contiguous
 * after the chain's head, recorded_at increasing and ending now), and the chain head is moved past them so the
 * service keeps appending after them. The hashes are NOT a valid chain (sha256 of the seq): the tenant is a
 * throwaway one, made for this, whose verify would report the break.
 */
export async function seedAuditRecords(ownerUrl: string, tenantId: string, count: number, parallel = 2): Promise<{ firstSeq: number; lastSeq: number; ms: number }> {
  const started = Date.now();
  const connect = async () => {
    const client = new pg.Client({ connectionString: ownerUrl, application_name: 'wrk-bench-seed' });
    await client.connect();
    return client;
  };
  // The chain head tells where the records start; nothing else writes this throwaway tenant meanwhile.
  const head = await connect();
  let base: number;
  try {
    await head.query(
      `INSERT INTO audit_chain_heads (tenant_id, last_seq, last_hash) VALUES ($1, 0, decode(repeat('00', 32), 'hex'))
       ON CONFLICT (tenant_id) DO NOTHING`,
      [tenantId],
    );
    base = Number((await head.query('SELECT last_seq FROM audit_chain_heads WHERE tenant_id = $1', [tenantId])).rows[0].last_seq);
    // Slices of the seq range, inserted at once on as many connections (the database has the cores to itself now).
    const slice = Math.ceil(count / parallel / 2) * 2;
    await Promise.all(
      Array.from({ length: parallel }, async (_, i) => {
        const from = i * slice + 1;
        const to = Math.min(count, (i + 1) * slice);
        if (from > to) return;
        const client = await connect();
        try {
          await client.query('SET synchronous_commit = off');
          await client.query(INSERT_SQL, [tenantId, base, count, AUDIT_EVENT_VERSION, from, to]);
        } finally {
          await client.end();
        }
      }),
    );
    await head.query(
      `UPDATE audit_chain_heads SET last_seq = $2, last_hash = sha256(int8send($2::bigint)), last_recorded_at = now(), updated_at = now()
       WHERE tenant_id = $1`,
      [tenantId, base + count],
    );
  } finally {
    await head.end();
  }
  return { firstSeq: base + 1, lastSeq: base + count, ms: Date.now() - started };
}

/**
 * VACUUM (ANALYZE) after the bulk load: fresh planner statistics and visibility map now, rather than an
 * autovacuum of a million rows starting in the middle of a measurement.
 */
export async function vacuumAudit(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl, application_name: 'wrk-bench-seed' });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE) audit_events');
  } finally {
    await client.end();
  }
}
