import type { Test } from 'supertest';
import { TestApp, TestTenant, TEST_PLATFORM_KEY } from '../support/test-app.js';

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

  it('a name of only white space → 400 (tenants, API keys, connected accounts)', async () => {
    const admin = (test: Test) => test.set('Authorization', `Bearer ${tenant.adminKey}`);
    const blank = ' \t  ';
    const attempts = [
      admin(t.http().post('/v1/api-keys')).send({ name: blank, role: 'operator' }),
      admin(t.http().post('/v1/connected-accounts')).send({ name: blank, connectServerUrl: 'http://127.0.0.1:1', connectToken: 'eyJhbGciOiJFUzI1NiJ9.e30.sig' }),
      admin(t.http().patch('/v1/connected-accounts/0b8e0c53-4f0e-4b7e-9d8a-2f1a9c7e6d51')).send({ name: blank }),
      t.http().post('/v1/tenants').set('Authorization', `Bearer ${TEST_PLATFORM_KEY}`).send({ name: blank }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(400);
      expect(res.body.error.details.problems).toContainEqual({ property: 'name', constraints: ['name must not be blank'] });
    }
  });

  it('a NUL character (which Postgres text cannot hold) in a body, query or path → 400 VALIDATION_FAILED naming it', async () => {
    const admin = { Authorization: `Bearer ${tenant.adminKey}` };
    const auditor = { Authorization: `Bearer ${(await t.createKey(tenant, 'auditor')).key}` };
    const cases = [
      [t.http().post('/v1/api-keys').set(admin).send({ name: 'a\u0000b', role: 'auditor' }), 'name'],
      [t.http().post('/v1/tenants').set('Authorization', `Bearer ${TEST_PLATFORM_KEY}`).send({ name: 'a\u0000' }), 'name'],
      [t.http().post('/v1/connected-accounts').set(admin).send({ name: 'a\u0000b', connectServerUrl: 'http://127.0.0.1:9', connectToken: 'x'.repeat(40) }), 'name'],
      [t.http().get('/v1/audit-events?vaultId=a%00b').set(auditor), 'vaultId'],
      [t.http().get('/v1/audit-events/export?format=csv&requestId=a%00b').set(auditor), 'requestId'],
      [t.http().get('/v1/connected-accounts/a%00b').set(admin), 'accountId'],
    ] as const;
    for (const [pending, property] of cases) {
      const res = await pending;
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.error.details.problems).toContainEqual({ property, constraints: [`${property} must not contain the NUL character (\\u0000)`] });
    }
  });

  it('a body nested deeper than 64 levels → 400 BODY_TOO_DEEPLY_NESTED, whatever the route', async () => {
    const arrays = '['.repeat(5000) + ']'.repeat(5000);
    const objects = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    for (const body of [arrays, objects]) {
      const res = await post(body).expect(400);
      expect(res.body.error).toMatchObject({ code: 'BODY_TOO_DEEPLY_NESTED', details: { maxDepth: 64 } });
    }
    const input = JSON.parse('{"a":'.repeat(3000) + '1' + '}'.repeat(3000));
    const run = await t.http().post('/v1/actions/items.get/run').set('Authorization', `Bearer ${tenant.adminKey}`).send({ connectedAccountId: '3f8e2a4c-5b1d-4c7e-9a2f-6d0b1e9c8a74', input }).expect(400);
    expect(run.body.error.code).toBe('BODY_TOO_DEEPLY_NESTED');
    // 64 levels are fine (and then refused by validation, as any unknown property).
    const res = await post('{"a":'.repeat(63) + '{}' + '}'.repeat(63)).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('a prototype key → 400 MALFORMED_BODY saying the key is not allowed (the JSON is valid)', async () => {
    const proto = await post('{"name":"x","role":"admin","__proto__":{"isRoot":true}}').expect(400);
    expect(proto.body.error).toMatchObject({ code: 'MALFORMED_BODY', message: 'The request body holds the key "__proto__", which is not allowed', details: { key: '__proto__' } });
    const escaped = await post('{"name":"x","role":"admin","a":[{"\\u005f_proto__":{}}]}').expect(400);
    expect(escaped.body.error.details).toEqual({ key: '__proto__' });
    const ctor = await post('{"name":"x","role":"admin","constructor":{"prototype":{"isRoot":true}}}').expect(400);
    expect(ctor.body.error).toMatchObject({ code: 'MALFORMED_BODY', message: 'The request body holds the key "constructor" with a "prototype", which is not allowed' });
  });

  it('a form body (application/x-www-form-urlencoded) → 415: the API speaks JSON only', async () => {
    const res = await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${tenant.adminKey}`).type('form').send('name=formkey&role=admin').expect(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('a text/plain body → 415, never echoed back', async () => {
    const body = 'secret-looking-body-7f3a';
    const res = await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${tenant.adminKey}`).set('Content-Type', 'text/plain').send(body).expect(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(res.text).not.toContain(body);
  });

  it('application/json-patch+json only where a PATCH takes RFC 6902 operations', async () => {
    const res = await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${tenant.adminKey}`).set('Content-Type', 'application/json-patch+json').send('{"name":"x","role":"admin"}').expect(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('unknown query parameters → 400 VALIDATION_FAILED on routes without a query too, after authentication', async () => {
    const auth = { Authorization: `Bearer ${tenant.adminKey}` };
    const key = await t.createKey(tenant, 'auditor');
    for (const pending of [
      t.http().get('/v1/tenant?foo=1').set(auth),
      t.http().get(`/v1/api-keys/${key.id}?foo=1`).set(auth),
      t.http().post('/v1/api-keys?foo=1').set(auth).send({ name: 'x', role: 'auditor' }),
      t.http().get('/v1/actions?foo=1').set(auth),
      t.http().get('/v1/api-keys?foo=1').set(auth),
    ]) {
      const res = await pending;
      expect({ status: res.status, body: res.body.error }).toEqual({
        status: 400,
        body: expect.objectContaining({ code: 'VALIDATION_FAILED', details: { problems: [{ property: 'foo', constraints: ['property foo should not exist'] }] } }),
      });
    }
    await t.http().get('/v1/tenant?foo=1').expect(401);
    await t.http().get('/v1/tenant').set(auth).expect(200);
  });

  it('logs request URLs without their query values', async () => {
    await t.http().get(`/v1/tenant?key=${tenant.adminKey}&x`).set('Authorization', `Bearer ${tenant.adminKey}`).expect(400);
    const lines = t.logs.lines.filter((line) => line.includes('/v1/tenant?'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.map((line) => JSON.parse(line).req.url)).toContain('/v1/tenant?key=[REDACTED]&[REDACTED]');
    expect(t.logs.text()).not.toContain(tenant.adminKey.slice(17));
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
