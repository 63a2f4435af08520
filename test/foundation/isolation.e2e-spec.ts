import { DataSource } from 'typeorm';
import { TestApp, TestTenant } from '../support/test-app.js';

describe('tenant isolation', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    t = await TestApp.start();
    a = await t.createTenant('tenant A');
    b = await t.createTenant('tenant B');
  });
  afterAll(() => t.close());

  it('a key of tenant A never reads or revokes a key of tenant B', async () => {
    const bKey = await t.createKey(b, 'operator');
    await t.http().get(`/v1/api-keys/${bKey.id}`).set('Authorization', `Bearer ${a.adminKey}`).expect(404);
    await t.http().post(`/v1/api-keys/${bKey.id}/revoke`).set('Authorization', `Bearer ${a.adminKey}`).expect(404);
    const list = await t.http().get('/v1/api-keys?limit=500').set('Authorization', `Bearer ${a.adminKey}`).expect(200);
    expect(list.body.data.map((k: { id: string }) => k.id)).not.toContain(bKey.id);
    await t.http().get('/v1/tenant').set('Authorization', `Bearer ${bKey.key}`).expect(200);
  });

  describe('row-level security alone (queries that skip the application scoping)', () => {
    const asTenant = (tenantId: string | null, sql: string, params: unknown[] = []) =>
      t.app.get(DataSource).transaction(async (m) => {
        if (tenantId) await m.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
        return m.query(sql, params);
      });

    it('the service connects as a role that is neither superuser nor BYPASSRLS', async () => {
      const [role] = await t.app.get(DataSource).query('SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user');
      expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    });

    it('an unscoped SELECT sees only the current tenant\'s rows, and none without a tenant', async () => {
      const rowsA = await asTenant(a.id, 'SELECT DISTINCT tenant_id FROM api_keys');
      expect(rowsA).toEqual([{ tenant_id: a.id }]);
      expect(await asTenant(null, 'SELECT * FROM api_keys')).toEqual([]);
      expect(await asTenant(null, 'SELECT * FROM tenants')).toEqual([]);
    });

    it('an unscoped UPDATE cannot touch another tenant\'s rows', async () => {
      await asTenant(a.id, "UPDATE api_keys SET name = 'hijacked' WHERE tenant_id = $1", [b.id]);
      const rowsB = await asTenant(b.id, "SELECT count(*)::int AS n FROM api_keys WHERE name = 'hijacked'");
      expect(rowsB).toEqual([{ n: 0 }]);
    });

    it('an INSERT with another tenant\'s id is refused', async () => {
      await expect(
        asTenant(a.id, "INSERT INTO api_keys (id, tenant_id, name, role, prefix, key_hash) VALUES (gen_random_uuid(), $1, 'x', 'admin', 'wrk_forged', '\\x00')", [b.id]),
      ).rejects.toThrow(/row-level security/);
    });
  });
});
