import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AUDIT_EVENT_VERSION } from '../../src/audit/audit.constants.js';
import { AuditMaintenance } from '../../src/audit/audit-maintenance.js';
import type { AuditStore, ChainHead, HeadClaim, SealedBatch } from '../../src/audit/audit-store.js';
import { AUDIT_STORE } from '../../src/audit/audit.tokens.js';
import type { AuditDraft } from '../../src/audit/audit-record.js';
import { AuditVerifier } from '../../src/audit/audit-verifier.js';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import { TenantTransaction } from '../../src/database/tenant-transaction.js';
import { TestApp, TestTenant } from '../support/test-app.js';
import { adminDb, APP_ROLE, auditSettled } from './support/audit-kit.js';

describe('audit log: append-only and tamper-evident', () => {
  let t: TestApp;
  let db: pg.Client;

  beforeAll(async () => {
    t = await TestApp.start();
    db = await adminDb();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  async function tenantWithTraffic(requests: number): Promise<{ tenant: TestTenant; auditor: string }> {
    const tenant = await t.createTenant();
    const auditor = (await t.createKey(tenant, 'auditor')).key;
    for (let i = 0; i < requests; i++) await t.http().get('/v1/tenant').set('Authorization', `Bearer ${auditor}`).expect(200);
    await auditSettled(t.app);
    return { tenant, auditor };
  }

  const verify = async (auditor: string, query = '') =>
    (await t.http().get(`/v1/audit-events/verify${query}`).set('Authorization', `Bearer ${auditor}`).expect(200)).body;

  /** Runs `sql` as superuser with triggers disabled: the attacker who gets past the database's own refusal. */
  async function tamper(sql: string, params: unknown[] = []): Promise<void> {
    await db.query('BEGIN');
    await db.query('SET LOCAL session_replication_role = replica');
    await db.query(sql, params);
    await db.query('COMMIT');
  }

  describe('the database refuses changes', () => {
    it('gives the app role SELECT only on the audit tables, and it is neither superuser nor BYPASSRLS', async () => {
      for (const table of ['audit_events', 'audit_chain_heads', 'audit_checkpoints']) {
        const { rows } = await db.query(
          `SELECT has_table_privilege($1, $2, 'SELECT') AS s, has_table_privilege($1, $2, 'INSERT') AS i,
                  has_table_privilege($1, $2, 'UPDATE') AS u, has_table_privilege($1, $2, 'DELETE') AS d, has_table_privilege($1, $2, 'TRUNCATE') AS tr`,
          [APP_ROLE, table],
        );
        expect(rows[0]).toEqual({ s: true, i: false, u: false, d: false, tr: false });
      }
      const role = await db.query('SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
      expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
      const fn = await db.query(`SELECT has_function_privilege($1, 'audit_apply_retention(integer)', 'EXECUTE') AS r,
        has_function_privilege($1, 'audit_ensure_partition(date)', 'EXECUTE') AS p, has_function_privilege('public', 'audit_append(jsonb, json)', 'EXECUTE') AS pub`, [APP_ROLE]);
      expect(fn.rows[0]).toEqual({ r: false, p: false, pub: false });
    });

    it('refuses UPDATE and DELETE as the app role, and (by trigger) even as the owner', async () => {
      const { tenant } = await tenantWithTraffic(1);
      const tx = t.app.get(TenantTransaction);
      await expect(tx.run(tenant.id, (m) => m.query(`UPDATE audit_events SET action = 'x' WHERE tenant_id = $1`, [tenant.id]))).rejects.toThrow(/permission denied/);
      await expect(tx.run(tenant.id, (m) => m.query('DELETE FROM audit_events WHERE tenant_id = $1', [tenant.id]))).rejects.toThrow(/permission denied/);
      await expect(tx.run(tenant.id, (m) => m.query(`INSERT INTO audit_events (id) VALUES ($1)`, [randomUUID()]))).rejects.toThrow(/permission denied/);
      await expect(tx.run(tenant.id, (m) => m.query('UPDATE audit_chain_heads SET last_seq = 0'))).rejects.toThrow(/permission denied/);
      await expect(db.query(`UPDATE audit_events SET action = 'x' WHERE tenant_id = $1`, [tenant.id])).rejects.toThrow(/append-only/);
      await expect(db.query('DELETE FROM audit_events WHERE tenant_id = $1', [tenant.id])).rejects.toThrow(/append-only/);
      await expect(db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
      await expect(db.query('DELETE FROM audit_checkpoints')).rejects.toThrow(/append-only/);
      const { rows } = await db.query('SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1', [tenant.id]);
      expect(rows[0].n).toBeGreaterThan(0);
    });

    it('shows the app role only the tenant of its transaction (row-level security)', async () => {
      const a = await tenantWithTraffic(2);
      const b = await tenantWithTraffic(1);
      const ds = t.app.get(DataSource);
      const seen = await ds.transaction(async (m) => {
        await m.query(`SELECT set_config('app.tenant_id', $1, true)`, [b.tenant.id]);
        return m.query('SELECT count(*)::int AS n, count(*) FILTER (WHERE tenant_id = $1)::int AS a FROM audit_events', [a.tenant.id]);
      });
      expect(seen[0].a).toBe(0);
      expect(seen[0].n).toBeGreaterThan(0);
      const unset = await ds.query('SELECT count(*)::int AS n FROM audit_events');
      expect(unset[0].n).toBe(0);
    });
  });

  describe('the hash chain', () => {
    it('keeps a gap-free, valid chain for 200 concurrent requests of one tenant', async () => {
      const tenant = await t.createTenant();
      const auditor = (await t.createKey(tenant, 'auditor')).key;
      const responses = await Promise.all(Array.from({ length: 200 }, () => t.http().get('/v1/tenant').set('Authorization', `Bearer ${auditor}`)));
      expect(responses.every((r) => r.status === 200)).toBe(true);
      await auditSettled(t.app);
      const { rows } = await db.query('SELECT seq::int AS seq, type, request_id FROM audit_events WHERE tenant_id = $1 ORDER BY seq', [tenant.id]);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      const ids = new Set(responses.map((r) => r.headers['x-request-id']));
      expect(rows.filter((r) => ids.has(r.request_id))).toHaveLength(400);
      const result = await t.app.get(AuditVerifier).verify(tenant.id);
      expect(result).toEqual({ valid: true, checked: rows.length, fromSeq: 1, toSeq: rows.length, headSeq: rows.length, checkpointSeq: null });
      expect(await verify(auditor)).toMatchObject({ valid: true });
    });

    it('stays gap-free and valid with two service instances writing one tenant\'s chain', async () => {
      const second = await TestApp.start();
      try {
        const tenant = await t.createTenant();
        const auditor = (await t.createKey(tenant, 'auditor')).key;
        await Promise.all(
          Array.from({ length: 120 }, (_, i) => (i % 2 ? t : second).http().get('/v1/tenant').set('Authorization', `Bearer ${auditor}`).expect(200)),
        );
        await Promise.all([auditSettled(t.app), auditSettled(second.app)]);
        const { rows } = await db.query('SELECT seq::int AS seq FROM audit_events WHERE tenant_id = $1 ORDER BY seq', [tenant.id]);
        expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
        expect(rows.length).toBeGreaterThanOrEqual(240);
        expect(await t.app.get(AuditVerifier).verify(tenant.id)).toMatchObject({ valid: true, checked: rows.length });
        // The instances did contend for the chain head (and resolved it by resealing, under locks if needed).
        const stats = [t.app.get(AuditWriter).stats, second.app.get(AuditWriter).stats];
        expect(stats[0].conflicts + stats[1].conflicts).toBeGreaterThan(0);
        expect(stats[0].failures + stats[1].failures).toBe(0);
      } finally {
        await second.close();
      }
    });

    it('audit_append appends only on the heads a batch claims; otherwise it reports the actual heads and appends nothing', async () => {
      const store = t.app.get<AuditStore>(AUDIT_STORE);
      const [x, y] = [randomUUID(), randomUUID()];
      const hex = (n: number) => n.toString(16).padStart(64, '0');
      const at = new Date().toISOString();
      const row = (tenant: string, seq: number) => ({
        ...draft(tenant, `contract-${seq}`), seq, recorded_at: at, prev_hash: `\\x${hex(seq - 1)}`, hash: `\\x${hex(seq)}`,
      });
      const claim = (tenant: string, s: number | null, h: string | null, ns: number): HeadClaim => ({ t: tenant, s, h, ns, nh: hex(ns), nr: at });
      const batch = (claims: HeadClaim[], rows: object[]): SealedBatch => ({ claims, rowsJson: Buffer.from(JSON.stringify(rows)), count: rows.length });
      const stored = async () => (await db.query('SELECT tenant_id, seq::int AS seq FROM audit_events WHERE tenant_id = ANY ($1) ORDER BY tenant_id, seq', [[x, y]])).rows;
      const head = (heads: Map<string, ChainHead> | null, tenant: string) => {
        const h = heads?.get(tenant);
        return h && { seq: h.seq, hash: h.hash.toString('hex') };
      };

      expect(await store.append(batch([claim(x, null, null, 1)], [row(x, 1)]))).toBeNull();
      // A second "new chain" claim, a wrong hash, a head that does not exist, one stale chain among two: nothing.
      expect(head(await store.append(batch([claim(x, null, null, 1)], [row(x, 1)])), x)).toEqual({ seq: 1, hash: hex(1) });
      expect(head(await store.append(batch([claim(x, 1, hex(7), 2)], [row(x, 2)])), x)).toEqual({ seq: 1, hash: hex(1) });
      expect(head(await store.append(batch([claim(y, 5, hex(5), 6)], [row(y, 6)])), y)).toEqual({ seq: 0, hash: hex(0) });
      const mixed = await store.append(batch([claim(x, 1, hex(1), 2), claim(y, 3, hex(3), 4)], [row(x, 2), row(y, 4)]));
      expect([head(mixed, x), head(mixed, y)]).toEqual([{ seq: 1, hash: hex(1) }, { seq: 0, hash: hex(0) }]);
      expect(await stored()).toEqual([{ tenant_id: x, seq: 1 }]);

      expect(await store.append(batch([claim(x, 1, hex(1), 2), claim(y, null, null, 1)], [row(x, 2), row(y, 1)]))).toBeNull();
      expect((await stored()).map((r) => `${r.tenant_id === x ? 'x' : 'y'}${r.seq}`).sort()).toEqual(['x1', 'x2', 'y1']);
      const heads = await db.query('SELECT tenant_id, last_seq::int AS seq, encode(last_hash, \'hex\') AS hash FROM audit_chain_heads WHERE tenant_id = ANY ($1)', [[x, y]]);
      expect(new Map(heads.rows.map((r) => [r.tenant_id, [r.seq, r.hash]]))).toEqual(new Map([[x, [2, hex(2)]], [y, [1, hex(1)]]]));
    });

    it('stores text beyond ASCII exactly as it was hashed', async () => {
      const tenant = await t.createTenant();
      const name = 'Clé d’audit — 監査 🔑';
      const res = await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${tenant.adminKey}`).send({ name, role: 'auditor' }).expect(201);
      await t.http().get('/v1/tenant').set('Authorization', `Bearer ${res.body.key}`).expect(200);
      await auditSettled(t.app);
      const { rows } = await db.query(`SELECT DISTINCT actor_name FROM audit_events WHERE tenant_id = $1 AND actor_key_id = $2`, [tenant.id, res.body.id]);
      expect(rows).toEqual([{ actor_name: name }]);
      expect(await verify(res.body.key)).toMatchObject({ valid: true });
    });

    it('finds an edited record at its seq, and a re-hashed one at the next', async () => {
      const { tenant, auditor } = await tenantWithTraffic(5);
      expect(await verify(auditor)).toMatchObject({ valid: true });
      const k = 5;
      await tamper(`UPDATE audit_events SET outcome = 'success', http_status = 200 WHERE tenant_id = $1 AND seq = $2`, [tenant.id, k]);
      expect(await verify(auditor)).toMatchObject({ valid: false, firstBrokenSeq: k, reason: 'record content does not match its hash' });
      // The attacker also recomputes the hash of the edited record: the next link breaks.
      await tamper(`UPDATE audit_events SET hash = sha256(hash) WHERE tenant_id = $1 AND seq = $2`, [tenant.id, k]);
      expect(await verify(auditor)).toMatchObject({ valid: false, firstBrokenSeq: k });
      expect((await verify(auditor, `?fromSeq=${k + 1}`))).toMatchObject({ valid: false, firstBrokenSeq: k + 1, reason: "prev_hash does not match the previous record's hash" });
      expect(await verify(auditor, `?fromSeq=1&toSeq=${k - 1}`)).toMatchObject({ valid: true, checked: k - 1 });
    });

    it('finds a deleted record, including the newest one', async () => {
      const { tenant, auditor } = await tenantWithTraffic(4);
      await tamper('DELETE FROM audit_events WHERE tenant_id = $1 AND seq = 6', [tenant.id]);
      expect(await verify(auditor)).toMatchObject({ valid: false, firstBrokenSeq: 6, reason: 'record missing' });
      // The newest record: nothing follows it, but the chain head still names it.
      const other = await tenantWithTraffic(2);
      const verifier = t.app.get(AuditVerifier);
      const { headSeq } = await verifier.verify(other.tenant.id);
      await tamper('DELETE FROM audit_events WHERE tenant_id = $1 AND seq = $2', [other.tenant.id, headSeq]);
      expect(await verifier.verify(other.tenant.id)).toMatchObject({ valid: false, firstBrokenSeq: headSeq, reason: 'record missing' });
      await tamper('DELETE FROM audit_events WHERE tenant_id = $1 AND seq = $2', [other.tenant.id, headSeq - 1]);
      await tamper('UPDATE audit_chain_heads SET last_seq = last_seq - 2 WHERE tenant_id = $1', [other.tenant.id]);
      expect(await verifier.verify(other.tenant.id)).toMatchObject({ valid: false, firstBrokenSeq: headSeq - 2, reason: 'the chain head does not match the last record' });
    });

    it('finds reordered records', async () => {
      const { tenant, auditor } = await tenantWithTraffic(4);
      await tamper(`UPDATE audit_events SET seq = CASE seq WHEN 3 THEN 4 ELSE 3 END WHERE tenant_id = $1 AND seq IN (3, 4)`, [tenant.id]);
      expect(await verify(auditor)).toMatchObject({ valid: false, firstBrokenSeq: 3 });
      await tamper(`UPDATE audit_events SET recorded_at = recorded_at - interval '1 second' WHERE tenant_id = $1 AND seq = 2`, [tenant.id]);
      expect(await verify(auditor)).toMatchObject({ valid: false, firstBrokenSeq: 2 });
    });

    it('finds a time moved by less than a millisecond (the hash covers milliseconds; the column holds microseconds)', async () => {
      const { tenant, auditor } = await tenantWithTraffic(3);
      expect(await verify(auditor)).toMatchObject({ valid: true });
      await tamper(`UPDATE audit_events SET recorded_at = recorded_at + interval '900 microseconds' WHERE tenant_id = $1 AND seq = 4`, [tenant.id]);
      expect(await verify(auditor)).toMatchObject({ valid: false, firstBrokenSeq: 4, reason: 'record content does not match its hash' });
    });

    it('drops whole old months on retention and still verifies the rest from the checkpoint', async () => {
      const tenant = await t.createTenant();
      // The chain starts with records from January 2020 (long before this run), then today's.
      await db.query(`SELECT audit_ensure_partition('2020-01-01')`);
      const writer = t.app.get(AuditWriter);
      const old = Date.UTC(2020, 0, 15);
      for (let i = 0; i < 3; i++) await writer.commit(draft(tenant.id, `old-${i}`), old + i);
      const auditor = (await t.createKey(tenant, 'auditor')).key;
      await t.http().get('/v1/tenant').set('Authorization', `Bearer ${auditor}`).expect(200);
      await auditSettled(t.app);
      const partitions = await db.query('SELECT tableoid::regclass::text AS p, seq::int AS seq FROM audit_events WHERE tenant_id = $1 ORDER BY seq', [tenant.id]);
      expect(partitions.rows.slice(0, 3).map((r) => r.p)).toEqual(['audit_events_y2020m01', 'audit_events_y2020m01', 'audit_events_y2020m01']);
      expect(await verify(auditor)).toMatchObject({ valid: true, fromSeq: 1, checkpointSeq: null });

      const result = await t.app.get(AuditMaintenance).applyRetention(24);
      expect(result.droppedPartitions).toContain('audit_events_y2020m01');
      const { rows } = await db.query('SELECT seq::int AS seq FROM audit_events WHERE tenant_id = $1 ORDER BY seq LIMIT 1', [tenant.id]);
      expect(rows[0].seq).toBe(4);
      expect(await verify(auditor)).toMatchObject({ valid: true, fromSeq: 4, checkpointSeq: 3 });
      expect(await verify(auditor, '?fromSeq=1&toSeq=5')).toMatchObject({ valid: true, fromSeq: 4, toSeq: 5, checked: 2 });
      // The retention run is itself audited, and the checkpoint cannot be rewritten.
      const audit = await db.query(`SELECT details FROM audit_events WHERE action = 'audit.retention' AND type = 'request' ORDER BY recorded_at DESC LIMIT 1`);
      expect(audit.rows[0].details).toMatchObject({ keepMonths: 24, droppedPartitions: expect.arrayContaining(['audit_events_y2020m01']) });
      await expect(db.query('UPDATE audit_checkpoints SET seq = 0 WHERE tenant_id = $1', [tenant.id])).rejects.toThrow(/append-only/);
      await expect(db.query('SELECT * FROM audit_apply_retention(0)')).rejects.toThrow(/at least one month/);
    });
  });
});

function draft(tenantId: string, requestId: string): AuditDraft {
  return {
    id: randomUUID(), tenant_id: tenantId, type: 'request', request_id: requestId, request_event_id: null, action: 'test.old',
    read_only: true, outcome: null, http_status: null, error_code: null, actor_type: 'system', actor_key_id: null,
    actor_name: 'test', actor_role: null, connected_account_id: null, vault_id: null, item_id: null, file_id: null,
    resource_id: null, method: 'SYSTEM', path: 'test', client_ip: null, user_agent: null, duration_us: null, details: { n: 1 },
    event_version: AUDIT_EVENT_VERSION,
  };
}
