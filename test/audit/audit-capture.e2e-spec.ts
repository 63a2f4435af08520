import { type AddressInfo, connect } from 'node:net';
import pg from 'pg';
import { PLATFORM_CHAIN_ID } from '../../src/audit/audit.constants.js';
import { TestApp, TestTenant, TEST_PLATFORM_KEY } from '../support/test-app.js';
import { adminDb, type AuditRow, auditSettled, recordsOf } from './support/audit-kit.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('audit capture: every /v1 request leaves a request record and an outcome record', () => {
  let t: TestApp;
  let db: pg.Client;
  let tenant: TestTenant;
  let admin: { id: string; key: string };
  let auditor: { id: string; key: string };

  beforeAll(async () => {
    t = await TestApp.start();
    db = await adminDb();
    tenant = await t.createTenant();
    admin = await t.createKey(tenant, 'admin');
    auditor = await t.createKey(tenant, 'auditor');
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  /** The app's port on loopback, for what supertest cannot send. */
  async function listeningPort(): Promise<number> {
    const server = t.app.getHttpServer();
    if (!server.listening) await t.app.listen(0, '127.0.0.1');
    return (server.address() as AddressInfo).port;
  }

  /** The records of a request whose outcome is recorded once the server notices its connection is gone. */
  async function bothRecords(requestId: string): Promise<AuditRow[]> {
    let records: AuditRow[] = [];
    for (let i = 0; i < 100 && records.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await auditSettled(t.app);
      records = (await recordsOf(db, requestId)).all;
    }
    return records;
  }

  /** Sends raw bytes and reads the answer until the server closes the connection (or 5 s have passed). */
  async function rawExchange(bytes: string): Promise<{ status: number; headers: Record<string, string>; body: string; raw: string }> {
    const socket = connect(await listeningPort(), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise<void>((resolve, reject) => {
      // A server still waiting for more (a body it should not have waited for) gets cut off: the test then fails.
      const timer = setTimeout(() => socket.destroy(), 5000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', reject);
      socket.write(bytes, 'latin1');
    });
    const raw = Buffer.concat(chunks).toString('utf8');
    const [head, body] = [raw.slice(0, raw.indexOf('\r\n\r\n')), raw.slice(raw.indexOf('\r\n\r\n') + 4)];
    const [statusLine, ...lines] = head.split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    return { status: Number(statusLine.split(' ')[1]), headers, body, raw };
  }

  it('records a success with actor, action, resources, request id, client, duration; the pair shares the request id', async () => {
    const res = await t.http().get(`/v1/api-keys/${auditor.id}`).set('Authorization', `Bearer ${admin.key}`).set('User-Agent', 'wrk-workflows/2.3').set('X-Request-Id', 'wf-run-42.step-7').expect(200);
    expect(res.headers['x-request-id']).toBe('wf-run-42.step-7');
    await auditSettled(t.app);
    const { request, response, all } = await recordsOf(db, 'wf-run-42.step-7');
    expect(all).toHaveLength(2);
    for (const record of [request, response]) {
      expect(record).toMatchObject({
        tenant_id: tenant.id,
        action: 'api-keys.get',
        read_only: true,
        actor_type: 'api-key',
        actor_key_id: admin.id,
        actor_name: 'admin key',
        actor_role: 'admin',
        resource_id: auditor.id,
        method: 'GET',
        path: `/v1/api-keys/${auditor.id}`,
        user_agent: 'wrk-workflows/2.3',
        event_version: '1.0',
      });
      expect(record.client_ip).toMatch(/127\.0\.0\.1|::1/);
    }
    expect(request).toMatchObject({ outcome: null, http_status: null, error_code: null, duration_us: null, request_event_id: null });
    expect(response).toMatchObject({ outcome: 'success', http_status: 200, error_code: null, request_event_id: request.id });
    expect(response.duration_us).toBeGreaterThan(0);
    expect(Number(response.seq)).toBeGreaterThan(Number(request.seq));
    expect(response.recorded_at.getTime()).toBeGreaterThanOrEqual(request.recorded_at.getTime());
  });

  it('uses a generated request id when none is sent, the same as the response header', async () => {
    const res = await t.http().get('/v1/tenant').set('Authorization', `Bearer ${auditor.key}`).expect(200);
    const requestId = res.headers['x-request-id'];
    expect(requestId).toMatch(UUID);
    await auditSettled(t.app);
    const { request, response } = await recordsOf(db, requestId);
    expect(request).toMatchObject({ action: 'tenants.get', actor_role: 'auditor', request_id: requestId });
    expect(response).toMatchObject({ outcome: 'success', request_id: requestId });
  });

  it('records a write with its secret-free summary, not read-only', async () => {
    const res = await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${admin.key}`).send({ name: 'ci runner', role: 'operator' }).expect(201);
    await auditSettled(t.app);
    const { request, response, all } = await recordsOf(db, res.headers['x-request-id']);
    expect(request).toMatchObject({ action: 'api-keys.create', read_only: false, details: { name: 'ci runner', role: 'operator' } });
    expect(response).toMatchObject({ outcome: 'success', http_status: 201 });
    expect(JSON.stringify(all)).not.toContain(res.body.key.slice(17));
  });

  it('records a request without a key (401) on the platform chain, with the route\'s action', async () => {
    const res = await t.http().get('/v1/api-keys').expect(401);
    await auditSettled(t.app);
    const { request, response } = await recordsOf(db, res.headers['x-request-id']);
    for (const record of [request, response]) {
      expect(record).toMatchObject({ tenant_id: PLATFORM_CHAIN_ID, action: 'api-keys.list', actor_type: 'anonymous', actor_key_id: null });
    }
    expect(response).toMatchObject({ outcome: 'denied', http_status: 401, error_code: 'UNAUTHENTICATED', request_event_id: request.id });
  });

  it('records an unknown or revoked key (401)', async () => {
    const res = await t.http().get('/v1/tenant').set('Authorization', 'Bearer wrk_aaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(401);
    await auditSettled(t.app);
    const { response } = await recordsOf(db, res.headers['x-request-id']);
    expect(response).toMatchObject({ action: 'tenants.get', outcome: 'denied', error_code: 'UNAUTHENTICATED', actor_type: 'anonymous' });
  });

  it('records a wrong role (403) on the tenant\'s chain, with the actor', async () => {
    const res = await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${auditor.key}`).send({ name: 'x', role: 'admin' }).expect(403);
    await auditSettled(t.app);
    const { request, response } = await recordsOf(db, res.headers['x-request-id']);
    expect(request).toMatchObject({ tenant_id: tenant.id, action: 'api-keys.create', actor_key_id: auditor.id, actor_role: 'auditor', read_only: false });
    expect(response).toMatchObject({ outcome: 'denied', http_status: 403, error_code: 'FORBIDDEN' });
  });

  it('records validation failures (400) and malformed bodies as invalid', async () => {
    const bad = await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${admin.key}`).send({ name: '', role: 'root' }).expect(400);
    const malformed = await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${admin.key}`).set('Content-Type', 'application/json').send('{"name":').expect(400);
    const badId = await t.http().get('/v1/api-keys/not-a-uuid').set('Authorization', `Bearer ${admin.key}`).expect(400);
    await auditSettled(t.app);
    expect((await recordsOf(db, bad.headers['x-request-id'])).response).toMatchObject({ action: 'api-keys.create', outcome: 'invalid', http_status: 400, error_code: 'VALIDATION_FAILED', actor_key_id: admin.id });
    expect((await recordsOf(db, malformed.headers['x-request-id'])).response).toMatchObject({ action: 'api-keys.create', outcome: 'invalid', error_code: 'MALFORMED_BODY' });
    expect((await recordsOf(db, badId.headers['x-request-id'])).response).toMatchObject({ action: 'api-keys.get', outcome: 'invalid', resource_id: 'not-a-uuid' });
  });

  it('records not-found of a named resource and of an unknown route under /v1', async () => {
    const missing = await t.http().get('/v1/api-keys/6d1f0c1e-0000-4000-8000-000000000000').set('Authorization', `Bearer ${admin.key}`).expect(404);
    const unknown = await t.http().delete('/v1/no-such-thing/123').set('Authorization', `Bearer ${admin.key}`).expect(404);
    await auditSettled(t.app);
    expect((await recordsOf(db, missing.headers['x-request-id'])).response).toMatchObject({ action: 'api-keys.get', outcome: 'invalid', http_status: 404, error_code: 'API_KEY_NOT_FOUND' });
    const { request, response } = await recordsOf(db, unknown.headers['x-request-id']);
    expect(request).toMatchObject({ action: 'route.unknown', method: 'DELETE', path: '/v1/no-such-thing/123' });
    expect(response).toMatchObject({ outcome: 'invalid', http_status: 404, error_code: 'ROUTE_NOT_FOUND' });
  });

  it('answers and records requests the router refuses (bad percent-encoding, over-long parameter) like any other', async () => {
    const badUrl = await t.http().get('/v1/connected-accounts/%ff').set('Authorization', `Bearer ${admin.key}`).expect(400);
    const long = 'x'.repeat(5000);
    const tooLong = await t.http().get(`/v1/connected-accounts/${long}`).set('Authorization', `Bearer ${admin.key}`).expect(414);
    for (const [res, code] of [[badUrl, 'MALFORMED_URL'], [tooLong, 'URL_TOO_LONG']] as const) {
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).toEqual({ error: { code, message: expect.any(String), requestId: res.headers['x-request-id'] } });
    }
    expect(badUrl.text).not.toContain('%ff');
    expect(tooLong.text).not.toContain('xxxxxxxxxx');
    await auditSettled(t.app);
    expect((await recordsOf(db, badUrl.headers['x-request-id'])).all).toEqual([
      expect.objectContaining({ type: 'request', action: 'route.unknown', method: 'GET', path: '/v1/connected-accounts/%ff' }),
      expect.objectContaining({ type: 'response', outcome: 'invalid', http_status: 400, error_code: 'MALFORMED_URL' }),
    ]);
    const { response } = await recordsOf(db, tooLong.headers['x-request-id']);
    expect(response).toMatchObject({ action: 'route.unknown', outcome: 'invalid', http_status: 414, error_code: 'URL_TOO_LONG' });
  });

  it('answers what the HTTP parser refuses with the error envelope, records it anonymously, and keeps its token out of sight', async () => {
    const canary = `wrk_canary000000_${'C'.repeat(43)}`;
    const bad = await rawExchange(`GET /v1/tenant?limit=5 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${canary}\r\nX-Request-Id: parser-refused-1\r\nX-Bad: a\u0001b\r\n\r\n`);
    expect(bad.status).toBe(400);
    expect(bad.headers['x-request-id']).toBe('parser-refused-1');
    expect(bad.headers['x-content-type-options']).toBe('nosniff');
    expect(bad.headers.connection).toBe('close');
    expect(JSON.parse(bad.body)).toEqual({ error: { code: 'MALFORMED_REQUEST', message: 'The request is not valid HTTP/1.1', requestId: 'parser-refused-1' } });
    const garbage = await rawExchange('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body).error).toEqual({ code: 'MALFORMED_REQUEST', message: expect.any(String), requestId: garbage.headers['x-request-id'] });
    expect(garbage.headers['x-request-id']).toMatch(UUID);
    const huge = await rawExchange(`GET /v1/tenant HTTP/1.1\r\nHost: x\r\nX-Request-Id: parser-refused-2\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body).error).toMatchObject({ code: 'HEADERS_TOO_LARGE', requestId: 'parser-refused-2' });

    await auditSettled(t.app);
    const { all } = await recordsOf(db, 'parser-refused-1');
    expect(all).toEqual([
      expect.objectContaining({ type: 'request', tenant_id: PLATFORM_CHAIN_ID, actor_type: 'anonymous', action: 'route.unknown', method: 'GET', path: '/v1/tenant', user_agent: null }),
      expect.objectContaining({ type: 'response', outcome: 'invalid', http_status: 400, error_code: 'MALFORMED_REQUEST' }),
    ]);
    expect((await recordsOf(db, 'parser-refused-2')).response).toMatchObject({ outcome: 'invalid', http_status: 431, error_code: 'HEADERS_TOO_LARGE' });
    // Nothing names a request the parser could not read a /v1 request line from.
    expect((await recordsOf(db, garbage.headers['x-request-id'])).all).toEqual([]);
    const refusedLine = t.logs.lines.find((line) => line.includes('parser-refused-1'));
    expect(refusedLine).toContain('MALFORMED_REQUEST');
    for (const text of [t.logs.text(), JSON.stringify(all), bad.raw]) expect(text).not.toContain(canary);
  });

  it('answers an HTTP/1.1 request without Host with the envelope (HTTP/1.0 needs none), and records it', async () => {
    const noHost = await rawExchange(`GET /v1/tenant HTTP/1.1\r\nAuthorization: Bearer ${admin.key}\r\nX-Request-Id: no-host-1\r\nConnection: close\r\n\r\n`);
    expect(noHost.status).toBe(400);
    expect(noHost.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(noHost.body)).toEqual({ error: { code: 'MALFORMED_REQUEST', message: 'An HTTP/1.1 request needs a Host header', requestId: 'no-host-1' } });
    const http10 = await rawExchange(`GET /v1/tenant HTTP/1.0\r\nAuthorization: Bearer ${admin.key}\r\n\r\n`);
    expect(http10.status).toBe(200);
    await auditSettled(t.app);
    expect((await recordsOf(db, 'no-host-1')).all).toEqual([
      expect.objectContaining({ type: 'request', action: 'tenants.get', actor_type: 'anonymous', method: 'GET', path: '/v1/tenant' }),
      expect.objectContaining({ type: 'response', outcome: 'invalid', http_status: 400, error_code: 'MALFORMED_REQUEST' }),
    ]);
  });

  it('answers a body that breaks its framing under its request\'s id, and records that request as refused', async () => {
    const head = `POST /v1/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin.key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n`;
    // The head and the broken chunk in one packet, then a pipelined request behind a broken one.
    const broken = await rawExchange(`${head}X-Request-Id: broken-body-1\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`);
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body).error).toMatchObject({ code: 'MALFORMED_REQUEST', requestId: 'broken-body-1' });
    const pipelined = await rawExchange(`GET /v1/tenant HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin.key}\r\nX-Request-Id: pipelined-ok\r\n\r\nGET /v1/tenant HTTP/1.1\r\nHost: x\r\nX-Request-Id: pipelined-bad\r\nX-Bad: \u0001\r\n\r\n`);
    expect(JSON.parse(pipelined.body).error).toMatchObject({ code: 'MALFORMED_REQUEST', requestId: 'pipelined-bad' });

    expect(await bothRecords('broken-body-1')).toEqual([
      expect.objectContaining({ type: 'request', action: 'api-keys.create', actor_key_id: admin.id, method: 'POST', path: '/v1/api-keys' }),
      expect.objectContaining({ type: 'response', outcome: 'invalid', http_status: 400, error_code: 'MALFORMED_REQUEST' }),
    ]);
    expect((await recordsOf(db, 'pipelined-bad')).response).toMatchObject({ action: 'route.unknown', http_status: 400, error_code: 'MALFORMED_REQUEST' });
  });

  it('audits a /v1 route reached through a percent-encoded path or an absolute-form target like any other', async () => {
    const encoded = await t.http().get(`/%761/api-keys/${auditor.id}`).set('Authorization', `Bearer ${admin.key}`).set('X-Request-Id', 'encoded-path-1').expect(200);
    expect(encoded.body.id).toBe(auditor.id);
    await t.http().post('/v%31/api-keys').set('Authorization', `Bearer ${admin.key}`).set('X-Request-Id', 'encoded-path-2').send({ name: 'encoded', role: 'auditor' }).expect(201);
    await t.http().get('/%761/no-such-thing').set('Authorization', `Bearer ${admin.key}`).set('X-Request-Id', 'encoded-path-3').expect(404);
    const absolute = await rawExchange(`GET http://localhost/v1/api-keys/${auditor.id} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${admin.key}\r\nX-Request-Id: absolute-form-1\r\nConnection: close\r\n\r\n`);
    expect(absolute.status).toBe(200);
    await auditSettled(t.app);
    for (const [id, action] of [['encoded-path-1', 'api-keys.get'], ['encoded-path-2', 'api-keys.create'], ['encoded-path-3', 'route.unknown'], ['absolute-form-1', 'api-keys.get']]) {
      const { all } = await recordsOf(db, id);
      expect([id, all.map((r) => [r.type, r.action])]).toEqual([id, [['request', action], ['response', action]]]);
    }
  });

  it('records a connected account id given in upper case as the lower-case id reviewers filter on', async () => {
    const id = '6d1f0c1e-abcd-4000-8000-00000000beef';
    await t.http().get(`/v1/connected-accounts/${id.toUpperCase()}`).set('Authorization', `Bearer ${admin.key}`).set('X-Request-Id', 'upper-account-1').expect(404);
    await auditSettled(t.app);
    expect((await recordsOf(db, 'upper-account-1')).all.map((r) => r.connected_account_id)).toEqual([id, id]);
  });

  it('records a request aimed at /v1 through repeated slashes (a 404: the router does not merge them)', async () => {
    const res = await t.http().get('//v1//tenant').set('Authorization', `Bearer ${admin.key}`).expect(404);
    await auditSettled(t.app);
    const { request, response } = await recordsOf(db, res.headers['x-request-id']);
    expect(request).toMatchObject({ action: 'route.unknown', path: '//v1//tenant' });
    expect(response).toMatchObject({ outcome: 'invalid', http_status: 404, error_code: 'ROUTE_NOT_FOUND' });
  });

  it('records a client that went away while sending its body as 499, and logs no error', async () => {
    const socket = connect(await listeningPort(), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const head = `POST /v1/api-keys HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${admin.key}\r\nContent-Type: application/json\r\n`;
    socket.write(`${head}Content-Length: 100\r\nX-Request-Id: upload-gone-1\r\n\r\n{"name":"`);
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    expect(await bothRecords('upload-gone-1')).toEqual([
      // Authenticated before its body was read (ApiKeyAuthHooks), so the record names who it was.
      expect.objectContaining({ type: 'request', action: 'api-keys.create', actor_type: 'api-key', actor_key_id: admin.id, tenant_id: tenant.id }),
      expect.objectContaining({ type: 'response', outcome: 'error', http_status: 499, error_code: 'CLIENT_CLOSED_REQUEST' }),
    ]);
    const errorLines = t.logs.lines.filter((line) => line.includes('upload-gone-1') && JSON.parse(line).level >= 50);
    expect(errorLines).toEqual([]);
  });

  it('refuses a body without valid credentials before reading it (401 at once), and records the refusal', async () => {
    // A 1 MB body announced and never sent: the answer cannot wait for it.
    for (const [auth, id] of [['', 'no-key-body'], ['Authorization: Bearer wrk_aaaaaaaaaaaa_' + 'A'.repeat(43) + '\r\n', 'bad-key-body']]) {
      const res = await rawExchange(`POST /v1/api-keys HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 1000000\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n{"na`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(JSON.parse(res.body).error).toMatchObject({ code: 'UNAUTHENTICATED', requestId: id });
    }
    await auditSettled(t.app);
    expect((await recordsOf(db, 'bad-key-body')).all).toEqual([
      expect.objectContaining({ type: 'request', action: 'api-keys.create', actor_type: 'anonymous', tenant_id: PLATFORM_CHAIN_ID }),
      expect.objectContaining({ type: 'response', outcome: 'denied', http_status: 401, error_code: 'UNAUTHENTICATED' }),
    ]);
  });

  it('records platform-key tenant creation on the platform chain', async () => {
    const res = await t.http().post('/v1/tenants').set('Authorization', `Bearer ${TEST_PLATFORM_KEY}`).send({ name: 'Audited Co' }).expect(201);
    await auditSettled(t.app);
    const { request, response, all } = await recordsOf(db, res.headers['x-request-id']);
    expect(request).toMatchObject({ tenant_id: PLATFORM_CHAIN_ID, action: 'tenants.create', actor_type: 'platform', details: { name: 'Audited Co' } });
    expect(response).toMatchObject({ outcome: 'success', http_status: 201 });
    // The outcome names what was created: the tenant and its first admin key, by id.
    expect(res.body.tenant.id).toMatch(UUID);
    expect(response).toMatchObject({ resource_id: res.body.tenant.id, details: { tenantId: res.body.tenant.id, adminKeyId: res.body.apiKey.id } });
    const text = JSON.stringify(all);
    expect(text).not.toContain(res.body.apiKey.key);
    expect(text).not.toContain(TEST_PLATFORM_KEY);
    expect(text).not.toContain(res.body.apiKey.key.slice(17));
  });

  it('does not audit health and docs', async () => {
    const before = await db.query('SELECT count(*)::int AS n FROM audit_events');
    await t.http().get('/health/live').expect(200);
    await t.http().get('/docs-json').expect(200);
    await auditSettled(t.app);
    const after = await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE path LIKE '/health%' OR path LIKE '/docs%'`);
    expect(after.rows[0].n).toBe(0);
    expect(before.rows[0].n).toBeGreaterThan(0);
  });

  it('strips CR/LF and control characters: an encoded CR/LF in the path or odd bytes in the user agent forge nothing', async () => {
    const forged = '%0D%0A%7B%22type%22%3A%22response%22%2C%22outcome%22%3A%22success%22%7D';
    const res = await t.http().get(`/v1/api-keys/abc${forged}`).set('Authorization', `Bearer ${admin.key}`).set('User-Agent', 'agent\t\x85\x9bX').expect(400);
    await auditSettled(t.app);
    const { request, response, all } = await recordsOf(db, res.headers['x-request-id']);
    expect(all).toHaveLength(2);
    expect(request.resource_id).toBe('abc{"type":"response","outcome":"success"}');
    expect(request.path).toBe(`/v1/api-keys/abc${forged}`);
    expect(request.user_agent).toBe('agentX');
    expect(response.outcome).toBe('invalid');
    // Exported, the record is still exactly one line.
    const exported = await t.http().get(`/v1/audit-events/export?requestId=${res.headers['x-request-id']}`).set('Authorization', `Bearer ${auditor.key}`).expect(200);
    const lines = exported.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['request', 'response']);
  });

  it('audits reviewer queries themselves, with their filters', async () => {
    const res = await t.http().get('/v1/audit-events?action=api-keys.get&outcome=success&limit=5').set('Authorization', `Bearer ${auditor.key}`).expect(200);
    await auditSettled(t.app);
    const { request, response } = await recordsOf(db, res.headers['x-request-id']);
    expect(request).toMatchObject({ action: 'audit-events.list', read_only: true, actor_role: 'auditor', details: { query: { action: 'api-keys.get', outcome: 'success', limit: '5' } } });
    expect(response.outcome).toBe('success');
  });
});
