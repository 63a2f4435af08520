import type { SimulatorSeed } from '../../src/connect-simulator/simulator-seed.types.js';
import pg from 'pg';
import { ActionsFixture, cid, startFixture } from '../actions-rest/actions-fixture.js';
import { adminDb, auditSettled, recordsOf } from '../audit/support/audit-kit.js';
import { TestApp, TestTenant } from '../support/test-app.js';

const seed: SimulatorSeed = { vaults: [{ id: cid('vaulteng'), name: 'Engineering', items: [] }] };

describe('Rate limits (in memory)', () => {
  describe('per tenant', () => {
    let t: TestApp;
    let db: pg.Client;
    let tenant: TestTenant;

    beforeAll(async () => {
      t = await TestApp.start({ RATE_LIMIT_TENANT_PER_MINUTE: '3', RATE_LIMIT_ACCOUNT_PER_MINUTE: '0', REDIS_URL: undefined });
      db = await adminDb();
      tenant = await t.createTenant();
    });
    afterAll(async () => {
      await db?.end();
      await t?.close();
    });

    const tenantInfo = (key: string) => t.http().get('/v1/tenant').set('Authorization', `Bearer ${key}`);

    it('answers 429 RATE_LIMITED with Retry-After past the limit, and audits it as denied', async () => {
      for (let i = 0; i < 3; i++) await tenantInfo(tenant.adminKey).expect(200);
      const res = await tenantInfo(tenant.adminKey).expect(429);
      expect(res.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 'tenant' } });
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);

      await auditSettled(t.app);
      const { request, response } = await recordsOf(db, res.headers['x-request-id']);
      expect(request).toMatchObject({ action: 'tenants.get', tenant_id: tenant.id, actor_type: 'api-key' });
      expect(response).toMatchObject({ outcome: 'denied', http_status: 429, error_code: 'RATE_LIMITED' });
    });

    it('limits each tenant on its own; unauthenticated, platform and health requests are not counted', async () => {
      const other = await t.createTenant();
      await tenantInfo(other.adminKey).expect(200);
      await tenantInfo(tenant.adminKey).expect(429);
      for (let i = 0; i < 5; i++) await t.http().get('/health/live').expect(200);
      for (let i = 0; i < 5; i++) await tenantInfo('wrk_nope_nope').expect(401);
      await tenantInfo(other.adminKey).expect(200);
    });
  });

  describe('per connected account', () => {
    let f: ActionsFixture;

    beforeAll(async () => {
      f = await startFixture({ seed, env: { RATE_LIMIT_TENANT_PER_MINUTE: '1000', RATE_LIMIT_ACCOUNT_PER_MINUTE: '3' } });
    });
    afterAll(() => f?.close());

    it('limits an account independently of its tenant, counting routes and action runs alike', async () => {
      const other = await f.connect(f.sim.defaultToken());
      await f.get(`${f.base}/vaults`).expect(200);
      // The same account in upper case spends the same budget.
      await f.post('/v1/actions/vaults.list/run', { connectedAccountId: f.accountId.toUpperCase(), input: {} }).expect(200);
      await f.get(`${f.base.replace(f.accountId, f.accountId.toUpperCase())}/vaults`).expect(200);
      const res = await f.get(`${f.base}/vaults`).expect(429);
      expect(res.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 'account' } });
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      const run = await f.post('/v1/actions/vaults.list/run', { connectedAccountId: f.accountId, input: {} }).expect(429);
      expect(run.body.error.code).toBe('RATE_LIMITED');
      // Another account of the same tenant, and the tenant's other routes, are unaffected.
      await f.get(`/v1/connected-accounts/${other}/vaults`).expect(200);
      await f.get('/v1/tenant').expect(200);
    });
  });
});
