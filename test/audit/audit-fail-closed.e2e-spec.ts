import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { AuditVerifier } from '../../src/audit/audit-verifier.js';
import { AUDIT_STORE } from '../../src/audit/audit.tokens.js';
import type { AuditStore } from '../../src/audit/audit-store.js';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import type { TestTenant } from '../support/test-app.js';
import { adminDb, auditSettled, recordsOf } from './support/audit-kit.js';
import { probe, ProbeApp, startProbeApp } from './support/probe-app.js';

const ACCOUNT = '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b';
const VAULT = 'ytrfte14kw1uex5txaore1emkz';
const ITEM = 'wepiqdxdzncjtnvmv5fegud4qy';
const ITEM_PATH = `/v1/probe/connected-accounts/${ACCOUNT}/vaults/${VAULT}/items`;
const WRITE_TIMEOUT_MS = 700;

describe('audit: nothing lost (fail closed before Connect, request/outcome pairs)', () => {
  let p: ProbeApp;
  let db: pg.Client;
  let tenant: TestTenant;
  let operator: { id: string; key: string };
  let auditor: { id: string; key: string };

  beforeAll(async () => {
    p = await startProbeApp({ AUDIT_WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS) });
    db = await adminDb();
    tenant = await p.createTenant();
    operator = await p.createKey(tenant, 'operator');
    auditor = await p.createKey(tenant, 'auditor');
  });
  beforeEach(() => probe.reset());
  afterAll(async () => {
    await db.end();
    await p.close();
  });

  const asOperator = () => ({ Authorization: `Bearer ${operator.key}` });

  it('writes the request record before the handler and the outcome after, with the resource ids', async () => {
    const res = await p.http().get(`${ITEM_PATH}/${ITEM}`).set(asOperator()).expect(200);
    await auditSettled(p.app);
    const { request, response } = await recordsOf(db, res.headers['x-request-id']);
    expect(request).toMatchObject({ action: 'probe.items-get', read_only: true, connected_account_id: ACCOUNT, vault_id: VAULT, item_id: ITEM, actor_key_id: operator.id });
    expect(response).toMatchObject({ outcome: 'success', http_status: 200, request_event_id: request.id, connected_account_id: ACCOUNT, vault_id: VAULT, item_id: ITEM });
  });

  it('refuses with 503 AUDIT_UNAVAILABLE and never reaches Connect when the audit write fails', async () => {
    const store = p.app.get<AuditStore>(AUDIT_STORE);
    const diskFull = Object.assign(new Error('could not write to file "pg_wal": No space left on device'), { code: '53100' });
    const failing = [jest.spyOn(store, 'append').mockRejectedValue(diskFull), jest.spyOn(store, 'appendLocked').mockRejectedValue(diskFull)];
    try {
      const get = await p.http().get(`${ITEM_PATH}/${ITEM}`).set(asOperator()).expect(503);
      expect(get.body.error.code).toBe('AUDIT_UNAVAILABLE');
      const create = await p.http().post(ITEM_PATH).set(asOperator()).send({ title: 'x', fields: [] }).expect(503);
      expect(create.body.error.code).toBe('AUDIT_UNAVAILABLE');
      expect(probe.calls).toEqual([]);
    } finally {
      for (const spy of failing) spy.mockRestore();
    }
  });

  it('refuses after the write timeout when the database blocks the tenant\'s chain, then records everything once it is free', async () => {
    const blocker = await adminDb();
    await blocker.query('BEGIN');
    await blocker.query('SELECT * FROM audit_chain_heads WHERE tenant_id = $1 FOR UPDATE', [tenant.id]);
    let blockedId: string;
    try {
      const started = Date.now();
      const res = await p.http().post(ITEM_PATH).set(asOperator()).set('X-Request-Id', 'blocked-create-1').send({ title: 'blocked' }).expect(503);
      expect(res.body.error.code).toBe('AUDIT_UNAVAILABLE');
      expect(Date.now() - started).toBeGreaterThanOrEqual(WRITE_TIMEOUT_MS - 50);
      expect(probe.calls).toEqual([]);
      blockedId = res.headers['x-request-id'];
      // A read that does not reach Connect is not held up: its records wait and are retried.
      await p.http().get('/v1/tenant').set(asOperator()).expect(200);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    await auditSettled(p.app);
    const { request, response, all } = await recordsOf(db, blockedId);
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(request).toMatchObject({ action: 'probe.items-create', read_only: false });
    expect(response).toMatchObject({ outcome: 'error', http_status: 503, error_code: 'AUDIT_UNAVAILABLE' });
    // Failed appends used no seq: the chain is still gap-free and valid.
    expect(await p.app.get(AuditVerifier).verify(tenant.id)).toMatchObject({ valid: true });
  });

  it('shows a request whose outcome is not recorded yet as unknown, then its outcome', async () => {
    let release!: () => void;
    probe.gate = new Promise<void>((resolve) => (release = resolve));
    const pending = p.http().get(`${ITEM_PATH}/${ITEM}`).set(asOperator()).set('X-Request-Id', 'slow-get-1');
    const done = pending.then((r) => r);
    while (!probe.calls.length) await new Promise((r) => setTimeout(r, 5));
    const during = await p.http().get('/v1/audit-events?requestId=slow-get-1').set('Authorization', `Bearer ${auditor.key}`).expect(200);
    expect(during.body.data).toHaveLength(1);
    expect(during.body.data[0]).toMatchObject({ requestId: 'slow-get-1', action: 'probe.items-get', outcome: 'unknown', httpStatus: null, completedAt: null });
    const unknown = await p.http().get('/v1/audit-events?outcome=unknown&action=probe.items-get').set('Authorization', `Bearer ${auditor.key}`).expect(200);
    expect(unknown.body.data.map((e: { requestId: string }) => e.requestId)).toContain('slow-get-1');
    release();
    expect((await done).status).toBe(200);
    await auditSettled(p.app);
    const after = await p.http().get('/v1/audit-events?requestId=slow-get-1').set('Authorization', `Bearer ${auditor.key}`).expect(200);
    expect(after.body.data[0]).toMatchObject({ outcome: 'success', httpStatus: 200 });
    expect(after.body.data[0].records.map((r: { type: string }) => r.type)).toEqual(['request', 'response']);
  });

  it('records handler errors and upstream errors as error, with the error code', async () => {
    const boom = await p.http().get('/v1/probe/boom').set(asOperator()).expect(500);
    const upstream = await p.http().get('/v1/probe/upstream').set(asOperator()).expect(502);
    await auditSettled(p.app);
    expect((await recordsOf(db, boom.headers['x-request-id'])).response).toMatchObject({ action: 'probe.boom', outcome: 'error', http_status: 500, error_code: 'INTERNAL_ERROR' });
    expect((await recordsOf(db, upstream.headers['x-request-id'])).response).toMatchObject({ action: 'probe.upstream', outcome: 'error', http_status: 502, error_code: 'CONNECT_UNREACHABLE' });
    expect(probe.calls).toEqual(['boom', 'upstream']);
  });

  it('adds the handler\'s notes to the outcome record, sanitised', async () => {
    const res = await p.http().post(ITEM_PATH).set(asOperator()).send({ title: 'Prod DB', category: 'LOGIN', fields: [{ id: 'pw', label: 'password', type: 'CONCEALED', value: 'hunter2' }] }).expect(201);
    await auditSettled(p.app);
    const { request, response } = await recordsOf(db, res.headers['x-request-id']);
    expect(request.details).toEqual({ title: 'Prod DB', category: 'LOGIN', fieldCount: 1, fields: [{ id: 'pw', label: 'password', type: 'CONCEALED' }] });
    expect(response).toMatchObject({ item_id: 'newitem0000000000000000000', vault_id: VAULT, details: { created: true, password: '[redacted]' } });
    expect(JSON.stringify([request, response])).not.toContain('hunter2');
  });

  it('records a client that went away before the answer', async () => {
    let release!: () => void;
    probe.gate = new Promise<void>((resolve) => (release = resolve));
    await p.app.listen(0, '127.0.0.1');
    const { port } = p.app.getHttpServer().address() as AddressInfo;
    const req = httpRequest({ host: '127.0.0.1', port, path: `${ITEM_PATH}/${ITEM}`, headers: { ...asOperator(), 'X-Request-Id': 'gone-1' } });
    req.on('error', () => undefined);
    req.end();
    while (!probe.calls.length) await new Promise((r) => setTimeout(r, 5));
    req.destroy();
    await new Promise((r) => setTimeout(r, 50));
    release();
    await new Promise((r) => setTimeout(r, 20));
    await auditSettled(p.app);
    const { request, response, all } = await recordsOf(db, 'gone-1');
    expect(all).toHaveLength(2);
    expect(request.action).toBe('probe.items-get');
    expect(response).toMatchObject({ outcome: 'error', http_status: 499, error_code: 'CLIENT_CLOSED_REQUEST' });
    expect(p.app.get(AuditWriter).stats.lost).toBe(0);
  });
});
