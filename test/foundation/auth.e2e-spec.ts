import { DataSource } from 'typeorm';
import { TestApp, TestTenant, TEST_PLATFORM_KEY } from '../support/test-app.js';

describe('authentication and roles', () => {
  let t: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    t = await TestApp.start();
    tenant = await t.createTenant();
  });
  afterAll(() => t.close());

  it('refuses a request without a key with 401 UNAUTHENTICATED', async () => {
    const res = await t.http().get('/v1/api-keys').expect(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('refuses an unknown key and a malformed one', async () => {
    for (const key of ['wrk_aaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'nonsense', tenant.adminKey + 'x']) {
      const res = await t.http().get('/v1/api-keys').set('Authorization', `Bearer ${key}`).expect(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets a key work until it is revoked, then answers 401 at once', async () => {
    const operator = await t.createKey(tenant, 'operator');
    await t.http().get('/v1/tenant').set('Authorization', `Bearer ${operator.key}`).expect(200);
    await t.http().post(`/v1/api-keys/${operator.id}/revoke`).set('Authorization', `Bearer ${tenant.adminKey}`).expect(200);
    const res = await t.http().get('/v1/tenant').set('Authorization', `Bearer ${operator.key}`).expect(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('gives 403 FORBIDDEN to roles outside a route\'s rights', async () => {
    const operator = await t.createKey(tenant, 'operator');
    const auditor = await t.createKey(tenant, 'auditor');
    for (const key of [operator.key, auditor.key]) {
      const res = await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${key}`).send({ name: 'x', role: 'admin' }).expect(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('keeps the platform key to tenant creation only', async () => {
    await t.http().get('/v1/api-keys').set('Authorization', `Bearer ${TEST_PLATFORM_KEY}`).expect(401);
    await t.http().post('/v1/tenants').set('Authorization', `Bearer ${tenant.adminKey}`).send({ name: 'x' }).expect(401);
  });

  it('shows a key once: lists and reads never return the secret', async () => {
    const created = await t.createKey(tenant, 'auditor');
    const list = await t.http().get('/v1/api-keys?limit=500').set('Authorization', `Bearer ${tenant.adminKey}`).expect(200);
    const one = await t.http().get(`/v1/api-keys/${created.id}`).set('Authorization', `Bearer ${tenant.adminKey}`).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(created.key.slice(17));
    expect(JSON.stringify(one.body)).not.toContain(created.key.slice(17));
    expect(one.body).toMatchObject({ id: created.id, role: 'auditor', revokedAt: null });
    expect(one.body.key).toBeUndefined();
  });

  it('pages API keys with an opaque cursor, no key lost or repeated', async () => {
    const other = await t.createTenant();
    const made = new Set<string>([]);
    for (let i = 0; i < 5; i++) made.add((await t.createKey(other, 'operator')).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.http().get(url).set('Authorization', `Bearer ${other.adminKey}`).expect(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((k: { id: string }) => k.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6); // 5 + the initial admin key
    expect(new Set(seen).size).toBe(6);
    for (const id of made) expect(seen).toContain(id);
  });

  it('pages keys created in the same millisecond without losing one (created_at holds milliseconds, as the cursor)', async () => {
    const other = await t.createTenant();
    const ids = [(await t.createKey(other, 'operator')).id, (await t.createKey(other, 'operator')).id];
    // Microseconds apart in one millisecond: with microsecond columns the later one, ending a page, hid the other.
    await t.app.get(DataSource).transaction(async (m) => {
      await m.query(`SELECT set_config('app.tenant_id', $1, true)`, [other.id]);
      await m.query(`UPDATE api_keys SET created_at = '2030-01-01T00:00:00.000200Z' WHERE id = $1`, [ids[0]]);
      await m.query(`UPDATE api_keys SET created_at = '2030-01-01T00:00:00.000400Z' WHERE id = $1`, [ids[1]]);
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/api-keys?limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.http().get(url).set('Authorization', `Bearer ${other.adminKey}`).expect(200);
      seen.push(...res.body.data.map((k: { id: string }) => k.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 2).sort()).toEqual([...ids].sort());
    expect(seen).toHaveLength(3);
  });

  it('rejects a forged cursor with 400', async () => {
    const res = await t.http().get('/v1/api-keys?cursor=bm90LWpzb24').set('Authorization', `Bearer ${tenant.adminKey}`).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('rejects a hand-made cursor of the right form but the wrong key with 400, on every newest-first list', async () => {
    const cursor = (k: unknown) => Buffer.from(JSON.stringify({ k })).toString('base64url');
    const id = (await t.createKey(tenant, 'auditor')).id;
    const forged = [
      cursor(['x', 'y']),
      cursor(['2026-11-29T22:34:42.797Z', 1319]), // an audit-list cursor
      cursor(['2026-11-29T22:34:42.797Z', 'not-a-uuid']),
      cursor(['2026-13-45T22:34:42.797Z', id]),
      cursor(['2026-02-30T22:34:42.797Z', id]),
      cursor(['0000-01-01T00:00:00.000Z', id]),
      cursor(['1', id]),
      cursor(['2026-11-29T22:34:42.797Z', id, 'extra']),
      cursor(null),
      Buffer.from('null').toString('base64url'),
    ];
    for (const path of ['/v1/api-keys', '/v1/connected-accounts']) {
      for (const c of forged) {
        const res = await t.http().get(`${path}?limit=1&cursor=${c}`).set('Authorization', `Bearer ${tenant.adminKey}`);
        expect({ path, c, status: res.status, code: res.body.error?.code }).toEqual({ path, c, status: 400, code: 'VALIDATION_FAILED' });
        expect(res.body.error.message).toBe('cursor is not a cursor this API issued');
      }
      // A cursor of the right kind, made by hand, is still served.
      await t.http().get(`${path}?limit=1&cursor=${cursor(['2026-11-29T22:34:42.797Z', id])}`).set('Authorization', `Bearer ${tenant.adminKey}`).expect(200);
    }
  });

  describe('the last active admin key', () => {
    const revoke = (id: string, key: string) => t.http().post(`/v1/api-keys/${id}/revoke`).set('Authorization', `Bearer ${key}`);
    /** The id of a tenant's first key, the one made with the tenant. */
    const idOf = async (key: string) => {
      const res = await t.http().get('/v1/api-keys?limit=500').set('Authorization', `Bearer ${key}`).expect(200);
      return (res.body.data as { id: string; name: string }[]).find((k) => k.name === 'initial admin key')!.id;
    };

    it('cannot be revoked (409 LAST_ADMIN_KEY), even with other roles left; the key keeps working', async () => {
      const lone = await t.createTenant();
      await t.createKey(lone, 'operator');
      const id = await idOf(lone.adminKey);
      const res = await revoke(id, lone.adminKey).expect(409);
      expect(res.body.error).toMatchObject({ code: 'LAST_ADMIN_KEY', details: { keyId: id } });
      await t.http().get('/v1/tenant').set('Authorization', `Bearer ${lone.adminKey}`).expect(200);
    });

    it('can be revoked once another admin key exists, which then is the last', async () => {
      const pair = await t.createTenant();
      const first = await idOf(pair.adminKey);
      const second = await t.createKey(pair, 'admin');
      await revoke(first, second.key).expect(200);
      await t.http().get('/v1/tenant').set('Authorization', `Bearer ${pair.adminKey}`).expect(401);
      expect((await revoke(second.id, second.key).expect(409)).body.error.code).toBe('LAST_ADMIN_KEY');
      // Revoking an already revoked admin key stays harmless.
      await revoke(first, second.key).expect(200);
    });

    it('two admins revoking each other at once: never both, and the tenant keeps an admin', async () => {
      for (let round = 0; round < 8; round++) {
        const pair = await t.createTenant();
        const a = { id: await idOf(pair.adminKey), key: pair.adminKey };
        const b = await t.createKey(pair, 'admin');
        const [ab, ba] = await Promise.all([revoke(b.id, a.key), revoke(a.id, b.key)]);
        expect([ab.status, ba.status].filter((s) => s === 200)).toHaveLength(1);
        const working = await Promise.all([a.key, b.key].map(async (key) => (await t.http().get('/v1/tenant').set('Authorization', `Bearer ${key}`)).status));
        expect(working.filter((s) => s === 200)).toHaveLength(1);
      }
    });
  });
});
