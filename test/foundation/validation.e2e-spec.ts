import type { Test } from 'supertest';
import { TestApp, TestTenant } from '../support/test-app.js';

describe('bad input gets 400 with a code, never 500', () => {
  let t: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    t = await TestApp.start();
    tenant = await t.createTenant();
  });
  afterAll(() => t.close());

  const post = (body: string | object) =>
    t.http().post('/v1/api-keys').set('Authorization', `Bearer ${tenant.adminKey}`).set('Content-Type', 'application/json').send(body);

  it('malformed JSON → 400 MALFORMED_BODY', async () => {
    const res = await post('{"name": "x",').expect(400);
    expect(res.body.error).toMatchObject({ code: 'MALFORMED_BODY' });
    expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('unknown property → 400 VALIDATION_FAILED naming it', async () => {
    const res = await post({ name: 'x', role: 'admin', isRoot: true }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.error.details)).toContain('isRoot');
  });

  it('wrong type → 400 VALIDATION_FAILED', async () => {
    const res = await post({ name: 42, role: 'admin' }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('bad enum value → 400', async () => {
    const res = await post({ name: 'x', role: 'root' }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('over-long string → 400 and does not echo the value', async () => {
    const long = 'L'.repeat(5000);
    const res = await post({ name: long, role: 'admin' }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body)).not.toContain(long.slice(0, 300));
  });

  it('body over the size limit → 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post({ name: 'x'.repeat(2 * 1024 * 1024), role: 'admin' }).expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('non-JSON content type → 415', async () => {
    const res = await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${tenant.adminKey}`).set('Content-Type', 'application/xml').send('<key/>').expect(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('a non-uuid id in the path → 400', async () => {
    const res = await t.http().get('/v1/api-keys/not-a-uuid').set('Authorization', `Bearer ${tenant.adminKey}`).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('limit outside 1..500, or not a decimal whole number → 400 with one message', async () => {
    for (const limit of ['0', '501', 'abc', '1e2', '0x10', '%2010', '5.0', '-1', '', '99999999999999999999']) {
      const res = await t.http().get(`/v1/api-keys?limit=${limit}`).set('Authorization', `Bearer ${tenant.adminKey}`).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect({ limit, problems: res.body.error.details.problems }).toEqual({ limit, problems: [{ property: 'limit', constraints: ['limit must be a whole number from 1 to 500'] }] });
    }
    for (const limit of ['1', '500', '007']) await t.http().get(`/v1/api-keys?limit=${limit}`).set('Authorization', `Bearer ${tenant.adminKey}`).expect(200);
  });

  it('a name of only white space → 400 (API keys, connected accounts)', async () => {
    const admin = (test: Test) => test.set('Authorization', `Bearer ${tenant.adminKey}`);
    const blank = ' \t  ';
    const attempts = [
      admin(t.http().post('/v1/api-keys')).send({ name: blank, role: 'operator' }),
      admin(t.http().post('/v1/connected-accounts')).send({ name: blank, connectServerUrl: 'http://127.0.0.1:1', connectToken: 'eyJhbGciOiJFUzI1NiJ9.e30.sig' }),
      admin(t.http().patch('/v1/connected-accounts/0b8e0c53-4f0e-4b7e-9d8a-2f1a9c7e6d51')).send({ name: blank }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(400);
      expect(res.body.error.details.problems).toContainEqual({ property: 'name', constraints: ['name must not be blank'] });
    }
  });

  it('unknown route → 404 ROUTE_NOT_FOUND in the same error shape', async () => {
    const res = await t.http().get('/v1/nope').set('Authorization', `Bearer ${tenant.adminKey}`).expect(404);
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('keeps the caller\'s X-Request-Id, or makes one', async () => {
    const given = await t.http().get('/health/live').set('X-Request-Id', 'wf-run-42.step-7').expect(200);
    expect(given.headers['x-request-id']).toBe('wf-run-42.step-7');
    const made = await t.http().get('/health/live').set('X-Request-Id', 'bad id; with spaces').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
