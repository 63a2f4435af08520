/**
 * Sanity check, not part of the test suite (it takes minutes): 1,000,000 audit records of one tenant, then
 * two-filter reviewer queries through the real API, p50/p95 printed. Run with:
 *   npx jest --testRegex 'check\.ts$' test/audit/scale
 */
import { randomUUID } from 'node:crypto';
import { TestApp } from '../../support/test-app.js';
import { adminDb } from '../support/audit-kit.js';

const REQUESTS = 500_000; // two records each

it('answers two-filter queries over 1,000,000 records fast', async () => {
  const t = await TestApp.start();
  const db = await adminDb();
  try {
    const tenant = await t.createTenant();
    const auditor = (await t.createKey(tenant, 'auditor')).key;
    const keys = Array.from({ length: 20 }, () => randomUUID());
    let started = Date.now();
    for (let from = 1; from <= REQUESTS; from += 100_000) {
      await db.query(
        `INSERT INTO audit_events (id, tenant_id, seq, recorded_at, type, request_id, request_event_id, action, read_only, outcome, http_status,
           actor_type, actor_key_id, actor_name, actor_role, connected_account_id, vault_id, item_id, method, path, client_ip, user_agent,
           duration_us, details, event_version, prev_hash, hash)
         SELECT md5(r.type || g)::uuid, $1, 1000 + 2 * g - (r.type = 'request')::int, now() - ${REQUESTS} * interval '100 ms' + g * interval '100 ms',
           r.type, 'req-' || g, CASE WHEN r.type = 'response' THEN md5('request' || g)::uuid END,
           (ARRAY['items.get','items.list','items.create','items.patch','items.delete','vaults.list','vaults.get','files.get','files.content','items.otp'])[1 + abs(hashint4(g)) % 10],
           abs(hashint4(g)) % 10 NOT IN (2, 3, 4),
           CASE WHEN r.type = 'response' THEN (CASE abs(hashint4(g + 7)) % 20 WHEN 0 THEN 'denied' WHEN 1 THEN 'invalid' WHEN 2 THEN 'error' ELSE 'success' END) END,
           CASE WHEN r.type = 'response' THEN 200 END,
           'api-key', ($2::uuid[])[1 + abs(hashint4(g + 13)) % 20], 'key', 'operator', 'acc-' || (abs(hashint4(g + 17)) % 50),
           'vault-' || (abs(hashint4(g + 17)) % 50) || '-' || (abs(hashint4(g + 19)) % 4), 'item-' || (abs(hashint4(g + 23)) % 5000),
           'GET', '/v1/connected-accounts/x/vaults/y/items/z', '203.0.113.7', 'wrk-workflows/2.3', CASE WHEN r.type = 'response' THEN 5000 END,
           CASE WHEN r.type = 'request' THEN '{"fieldCount": 3}'::jsonb END, '1.0', sha256(int8send(g)), sha256(int8send(g + 1))
         FROM generate_series($3::int, $4::int) g CROSS JOIN (VALUES ('request'), ('response')) AS r(type)`,
        [tenant.id, keys, from, Math.min(from + 99_999, REQUESTS)],
      );
    }
    process.stdout.write(`[scale] inserted ${REQUESTS * 2} records in ${Date.now() - started} ms\n`);
    const recentHour = new Date(Date.now() - 3 * 3600_000).toISOString();
    const hourLater = new Date(Date.now() - 2 * 3600_000).toISOString();
    const { rows: [rare] } = await db.query(`SELECT actor_key_id FROM audit_events WHERE tenant_id = $1 AND type = 'request' AND action = 'items.otp' LIMIT 1`, [tenant.id]);
    const queries = [
      `action=items.get&actorKeyId=${keys[0]}`,
      `action=items.get&actorKeyId=${keys[1]}&limit=500`,
      'connectedAccountId=acc-7&vaultId=vault-7-1',
      `action=items.otp&actorKeyId=${rare.actor_key_id}&from=${recentHour}&to=${hourLater}`,
      `from=${recentHour}&to=${hourLater}`,
      `action=items.delete&from=${recentHour}`,
      'outcome=denied&action=vaults.list',
      'outcome=error&connectedAccountId=acc-3',
      'action=nothing.such&actorKeyId=' + keys[2],
      'itemId=item-42&action=items.get',
      'outcome=unknown&action=items.get',
      'requestId=req-4242&action=items.create',
    ];
    const run = async (label: string) => {
      for (const query of queries) {
        const times: number[] = [];
        let count = 0;
        for (let i = 0; i < 15; i++) {
          started = performance.now();
          const res = await t.http().get(`/v1/audit-events?${query}${query.includes('limit=') ? '' : '&limit=50'}`).set('Authorization', `Bearer ${auditor}`).expect(200);
          times.push(performance.now() - started);
          count = res.body.data.length;
        }
        times.sort((a, b) => a - b);
        process.stdout.write(`[scale ${label}] ${query.replace(/[0-9a-f-]{36}/, '<key>')}: ${count} rows, p50 ${times[7].toFixed(1)} ms, p95 ${times[13].toFixed(1)} ms\n`);
      }
    };
    await run('no ANALYZE yet');
    await db.query('ANALYZE audit_events');
    await run('after ANALYZE');
  } finally {
    await db.end();
    await t.close();
  }
}, 900_000);
