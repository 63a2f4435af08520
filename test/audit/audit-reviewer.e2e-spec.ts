import { randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { canonicalRecord, chainHash, GENESIS_HASH, HashedValues } from '../../src/audit/audit-chain.js';
import { AUDIT_EVENT_VERSION, AuditOutcome } from '../../src/audit/audit.constants.js';
import type { AuditDraft } from '../../src/audit/audit-record.js';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import { TestApp, TestTenant } from '../support/test-app.js';
import { adminDb, auditSettled } from './support/audit-kit.js';

interface Event {
  id: string;
  requestId: string;
  action: string;
  outcome: string;
  time: string;
  tenantId: string;
  actor: { keyId: string | null };
  resources: Record<string, string | null>;
  records: { id: string; type: string; seq: number }[];
}

describe('audit reviewer API', () => {
  let t: TestApp;
  let db: pg.Client;
  let tenant: TestTenant;
  let auditor: string;
  let other: TestTenant;
  let otherAuditor: string;
  const keyA = randomUUID();
  const keyB = randomUUID();
  const account1 = randomUUID();
  const account2 = randomUUID();

  // Seeded events get distinct, increasing times (ahead of the records the set-up requests wrote).
  let clock = 0;

  /** Commits a request record and its outcome record, as the audit guard and the onResponse hook would. */
  async function pair(tenantId: string, o: { action: string; outcome?: AuditOutcome; status?: number; actor?: string; account?: string; vault?: string; item?: string; requestId?: string }) {
    const writer = t.app.get(AuditWriter);
    const request: AuditDraft = {
      id: randomUUID(), tenant_id: tenantId, type: 'request', request_id: o.requestId ?? randomUUID(), request_event_id: null, action: o.action,
      read_only: o.action.endsWith('.get') || o.action.endsWith('.list'), outcome: null, http_status: null, error_code: null, actor_type: 'api-key',
      actor_key_id: o.actor ?? keyA, actor_name: 'seeded', actor_role: 'operator', connected_account_id: o.account ?? null, vault_id: o.vault ?? null,
      item_id: o.item ?? null, file_id: null, resource_id: null, method: 'GET', path: '/v1/seeded', client_ip: '203.0.113.7', user_agent: 'seed, "quoted"',
      duration_us: null, details: { fieldCount: 1 }, event_version: AUDIT_EVENT_VERSION,
    };
    await writer.commit(request, (clock += 10));
    if (o.outcome) {
      const response: AuditDraft = { ...request, id: randomUUID(), type: 'response', request_event_id: request.id, outcome: o.outcome, http_status: o.status ?? 200, duration_us: 1234, details: null };
      await writer.commit(response, clock + 1);
    }
    return request;
  }

  const list = async (key: string, query: string): Promise<{ data: Event[]; nextCursor: string | null }> =>
    (await t.http().get(`/v1/audit-events${query}`).set('Authorization', `Bearer ${key}`).expect(200)).body;

  beforeAll(async () => {
    t = await TestApp.start();
    db = await adminDb();
    tenant = await t.createTenant();
    auditor = (await t.createKey(tenant, 'auditor')).key;
    other = await t.createTenant();
    otherAuditor = (await t.createKey(other, 'auditor')).key;
    clock = Date.now() + 1000;
    for (let i = 0; i < 12; i++) {
      await pair(tenant.id, { action: 'items.get', outcome: 'success', actor: i % 3 ? keyA : keyB, account: account1, vault: i % 2 ? 'vault-odd' : 'vault-even', item: `item-${i}` });
    }
    await pair(tenant.id, { action: 'items.delete', outcome: 'denied', status: 403, actor: keyB, account: account2, vault: 'vault-odd', item: 'item-x' });
    await pair(tenant.id, { action: 'items.create', account: account2, vault: 'vault-odd', requestId: 'crashed-before-outcome' });
    await pair(other.id, { action: 'items.get', outcome: 'success', account: account1, requestId: 'other-tenant-request' });
    await auditSettled(t.app);
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('is for auditors and admins only', async () => {
    const operator = (await t.createKey(tenant, 'operator')).key;
    for (const path of ['/v1/audit-events', '/v1/audit-events/export', '/v1/audit-events/verify', `/v1/audit-events/${randomUUID()}`]) {
      const res = await t.http().get(path).set('Authorization', `Bearer ${operator}`).expect(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    await t.http().get('/v1/audit-events?limit=1').set('Authorization', `Bearer ${tenant.adminKey}`).expect(200);
  });

  it('lists newest first and pages with a cursor, nothing lost or repeated', async () => {
    const all = await list(auditor, '?action=items.get&limit=500');
    expect(all.data).toHaveLength(12);
    const times = all.data.map((e) => e.time);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all.data.map((e) => e.resources.itemId)).toEqual(Array.from({ length: 12 }, (_, i) => `item-${11 - i}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Event[]; nextCursor: string | null } = await list(auditor, `?action=items.get&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(5);
      seen.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.data.map((e) => e.id));
  });

  it('filters by actor, action, outcome, account, vault, item, request id and time', async () => {
    expect((await list(auditor, `?actorKeyId=${keyB}&action=items.get`)).data).toHaveLength(4);
    const denied = await list(auditor, '?outcome=denied&actorKeyId=' + keyB);
    expect(denied.data.map((e) => [e.action, e.outcome])).toEqual([['items.delete', 'denied']]);
    expect((await list(auditor, '?outcome=success&action=items.delete')).data).toHaveLength(0);
    const unknown = await list(auditor, '?outcome=unknown');
    expect(unknown.data.map((e) => e.requestId)).toContain('crashed-before-outcome');
    expect(unknown.data.every((e) => e.outcome === 'unknown')).toBe(true);
    expect((await list(auditor, `?connectedAccountId=${account2}`)).data.map((e) => e.action).sort()).toEqual(['items.create', 'items.delete']);
    expect((await list(auditor, '?vaultId=vault-odd&action=items.get')).data).toHaveLength(6);
    expect((await list(auditor, '?itemId=item-3')).data.map((e) => e.resources.itemId)).toEqual(['item-3']);
    expect((await list(auditor, '?requestId=crashed-before-outcome')).data).toHaveLength(1);
    const newest = (await list(auditor, '?action=items.get&limit=1')).data[0];
    expect((await list(auditor, `?action=items.get&from=${encodeURIComponent(newest.time)}`)).data.map((e) => e.id)).toEqual([newest.id]);
    expect((await list(auditor, `?action=items.get&to=${encodeURIComponent(newest.time)}`)).data).toHaveLength(11);
    // The same instant with another offset, and whole days (midnight UTC).
    const shifted = new Date(Date.parse(newest.time) + 3_600_000).toISOString().replace('Z', '+01:00');
    expect((await list(auditor, `?action=items.get&from=${encodeURIComponent(shifted)}`)).data.map((e) => e.id)).toEqual([newest.id]);
    const day = newest.time.slice(0, 10);
    const nextDay = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    expect((await list(auditor, `?action=items.get&from=${day}&to=${nextDay}`)).data).toHaveLength(12);
    expect((await list(auditor, `?action=items.get&to=${day}`)).data).toHaveLength(0);
  });

  it('rejects malformed filters and forged cursors with 400', async () => {
    const cursor = (k: unknown) => `?cursor=${Buffer.from(JSON.stringify({ k })).toString('base64url')}`;
    const forgedCursors = [
      cursor(['2026-11-29T22:34:42.797Z', 1e308]),
      cursor(['2026-11-29T22:34:42.797Z', -1]),
      cursor(['2026-11-29T22:34:42.797Z', 1.5]),
      cursor(['x', 1]),
      cursor(['2026-11-29T22:34:42.797Z', '0b8e0c53-4f0e-4b7e-9d8a-2f1a9c7e6d51']), // a newest-first list's cursor
    ];
    for (const query of ['?outcome=maybe', '?from=yesterday', '?actorKeyId=nope', '?limit=501', '?cursor=bm90LWpzb24', '?action=DROP%20TABLE', '?unknown=1', '?connectedAccountId=notuuid', '?limit=1e2', ...forgedCursors,
      // ISO 8601 forms Postgres refuses (a 500 before) or would read in its own time zone.
      '?to=2026-W48', '?from=2026', '?to=2026-11', '?to=2026-11-01T00', '?from=2026-11-01T00:00:00,5Z', '?from=2026-11-01T08:30:00', '?to=2026-02-30', '?from=0000-01-01']) {
      const res = await t.http().get(`/v1/audit-events${query}`).set('Authorization', `Bearer ${auditor}`).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    await t.http().get('/v1/audit-events/not-a-uuid').set('Authorization', `Bearer ${auditor}`).expect(400);
    // Decimal whole numbers only, and within a double's exact range (1e20 reached Postgres as a bigint and failed there).
    for (const query of ['?fromSeq=0', '?fromSeq=1e2', '?toSeq=0x10', '?toSeq=1e20', '?fromSeq=9007199254740993']) {
      const res = await t.http().get(`/v1/audit-events/verify${query}`).set('Authorization', `Bearer ${auditor}`).expect(400);
      expect(res.body.error.details.problems[0].constraints).toEqual([expect.stringMatching(/Seq must be a whole number from 1 to 9007199254740991$/)]);
    }
    await t.http().get('/v1/audit-events/export?format=xml').set('Authorization', `Bearer ${auditor}`).expect(400);
  });

  it('gets one event by the id of either record', async () => {
    const [event] = (await list(auditor, '?outcome=denied&action=items.delete')).data;
    const byRequest = (await t.http().get(`/v1/audit-events/${event.id}`).set('Authorization', `Bearer ${auditor}`).expect(200)).body;
    const responseId = event.records.find((r) => r.type === 'response')!.id;
    const byResponse = (await t.http().get(`/v1/audit-events/${responseId}`).set('Authorization', `Bearer ${auditor}`).expect(200)).body;
    expect(byRequest).toEqual(byResponse);
    expect(byRequest).toMatchObject({ id: event.id, action: 'items.delete', outcome: 'denied', httpStatus: 403, durationMs: 1.234, summary: { fieldCount: 1 }, clientIp: '203.0.113.7' });
    const missing = await t.http().get(`/v1/audit-events/${randomUUID()}`).set('Authorization', `Bearer ${auditor}`).expect(404);
    expect(missing.body.error.code).toBe('AUDIT_EVENT_NOT_FOUND');
  });

  it('shows a tenant\'s auditor only that tenant\'s events', async () => {
    const theirs = (await list(otherAuditor, '?requestId=other-tenant-request')).data;
    expect(theirs).toHaveLength(1);
    expect((await list(auditor, '?requestId=other-tenant-request')).data).toHaveLength(0);
    await t.http().get(`/v1/audit-events/${theirs[0].id}`).set('Authorization', `Bearer ${auditor}`).expect(404);
    const mine = await list(auditor, '?limit=500');
    expect(mine.data.every((e) => e.tenantId === tenant.id)).toBe(true);
    const exported = await t.http().get('/v1/audit-events/export').set('Authorization', `Bearer ${auditor}`).expect(200);
    const tenants = new Set(exported.text.trim().split('\n').map((line) => JSON.parse(line).tenant_id));
    expect([...tenants]).toEqual([tenant.id]);
  });

  it('exports NDJSON whose lines re-verify offline, and CSV', async () => {
    const res = await t.http().get('/v1/audit-events/export').set('Authorization', `Bearer ${otherAuditor}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-events-.*\.ndjson"$/);
    const lines = res.text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    let prev = GENESIS_HASH;
    lines.forEach((line, i) => {
      expect(line.seq).toBe(i + 1);
      expect(line.prev_hash).toBe(prev.toString('hex'));
      const { prev_hash: _p, hash, ...record } = line;
      const recomputed = chainHash(prev, record as unknown as HashedValues);
      expect(recomputed.toString('hex')).toBe(hash);
      prev = recomputed;
    });
    expect(canonicalRecord(lines[0] as unknown as HashedValues)).toMatch(/^\{"action":/);

    const csv = await t.http().get('/v1/audit-events/export?format=csv&action=items.get').set('Authorization', `Bearer ${auditor}`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = csv.text.trimEnd().split('\r\n');
    expect(rows[0].split(',').slice(0, 4)).toEqual(['id', 'tenant_id', 'seq', 'recorded_at']);
    expect(rows).toHaveLength(1 + 24);
    expect(rows[1]).toContain('"seed, ""quoted"""');
  });

  it('streams an export of 100,000 records in flat memory', async () => {
    const bulk = await t.createTenant();
    const bulkAuditor = (await t.createKey(bulk, 'auditor')).key;
    // Outcome records (fewer partial indexes to fill than request records, the same export work).
    await db.query(
      `INSERT INTO audit_events (id, tenant_id, seq, recorded_at, type, request_id, outcome, http_status, action, read_only, actor_type, actor_key_id, actor_name, actor_role,
         connected_account_id, vault_id, item_id, method, path, client_ip, user_agent, details, event_version, prev_hash, hash)
       SELECT gen_random_uuid(), $1, 1000000 + g, now(), 'response', 'bulk-' || g, 'success', 200, 'items.get', true, 'api-key', $2, 'bulk key', 'operator',
         'acc-1', 'ytrfte14kw1uex5txaore1emkz', 'wepiqdxdzncjtnvmv5fegud4qy', 'GET',
         '/v1/connected-accounts/acc-1/vaults/ytrfte14kw1uex5txaore1emkz/items/wepiqdxdzncjtnvmv5fegud4qy', '203.0.113.7',
         'wrk-workflows/2.3 (bulk)', '{"fieldCount": 12, "title": "Prod database"}', '1.0', sha256(int8send(g)), sha256(int8send(g + 1))
       FROM generate_series(1, 100000) g`,
      [bulk.id, keyA],
    );
    const started = Date.now();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    setFlagsFromString('--no-expose-gc'); // or the next test files of this worker would run with `gc` exposed
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    gc();
    const baseline = process.memoryUsage();
    let peakHeap = 0;
    let peakRss = 0;
    let lines = 0;
    let bytes = 0;
    let sinceSample = 0;
    // Every line whole and in seq order, across the service's chunks and the socket's.
    let partial = '';
    let outOfOrder = 0;
    await new Promise<void>((resolve, reject) => {
      httpGet({ host: '127.0.0.1', port, path: '/v1/audit-events/export?action=items.get', headers: { Authorization: `Bearer ${bulkAuditor}` } }, (res) => {
        expect(res.statusCode).toBe(200);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          bytes += Buffer.byteLength(chunk);
          sinceSample += chunk.length;
          const parts = (partial + chunk).split('\n');
          partial = parts.pop() ?? '';
          for (const line of parts) if ((JSON.parse(line) as { seq: number }).seq !== 1_000_001 + lines++) outOfOrder++;
          if (sinceSample > 8 * 1024 * 1024) {
            sinceSample = 0;
            gc();
            const usage = process.memoryUsage();
            peakHeap = Math.max(peakHeap, usage.heapUsed - baseline.heapUsed);
            peakRss = Math.max(peakRss, usage.rss - baseline.rss);
          }
        });
        res.on('end', resolve);
        res.on('error', reject);
      }).on('error', reject);
    });
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    process.stdout.write(`[audit export] ${lines} lines, ${mb(bytes)} MB streamed in ${Date.now() - started} ms; heap growth peak ${mb(peakHeap)} MB, RSS growth peak ${mb(peakRss)} MB\n`);
    expect(lines).toBe(100_000);
    expect(partial).toBe('');
    expect(outOfOrder).toBe(0);
    expect(bytes).toBeGreaterThan(60 * 1024 * 1024);
    // The whole export is over 60 MB of text (and far more as row objects); streaming keeps a batch at a time.
    expect(peakHeap).toBeLessThan(24 * 1024 * 1024);
  }, 60_000);
});
