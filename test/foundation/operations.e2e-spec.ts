import { prefixOf } from '../../src/api-keys/api-key-secret.js';
import { TestApp } from '../support/test-app.js';

describe('operations', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('answers liveness and readiness without a key', async () => {
    await t.http().get('/health/live').expect(200);
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.info.database.status).toBe('up');
  });

  it('serves Swagger UI and the OpenAPI document with bearer auth and tags', async () => {
    await t.http().get('/docs').expect(200).expect('content-type', /html/);
    const doc = await t.http().get('/docs-json').expect(200);
    expect(doc.body.components.securitySchemes['api-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.body.paths['/v1/api-keys'].post.tags).toEqual(['Admin']);
    expect(doc.body.paths['/health/live']).toBeUndefined();
  });

  it('sets security headers', async () => {
    const res = await t.http().get('/health/live').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('never logs an API key or the Authorization header (canary)', async () => {
    const tenant = await t.createTenant();
    const key = await t.createKey(tenant, 'operator');
    await t.http().get('/v1/tenant').set('Authorization', `Bearer ${key.key}`).expect(200);
    await t.http().get('/v1/api-keys').set('Authorization', `Bearer ${key.key}`).expect(403);
    await t.http().get('/v1/tenant').set('Authorization', `Bearer ${key.key}broken`).expect(401);
    const logs = t.logs.text();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('"url":"/v1/tenant"');
    // The secret part alone too (it may itself contain '_': base64url).
    const secretOf = (apiKey: string) => apiKey.slice(prefixOf(apiKey)!.length + 1);
    for (const secret of [key.key, secretOf(key.key), secretOf(tenant.adminKey)]) {
      expect(secret.length).toBeGreaterThanOrEqual(43);
      expect(logs).not.toContain(secret);
    }
    expect(logs.toLowerCase()).not.toContain('bearer');
  });
});
