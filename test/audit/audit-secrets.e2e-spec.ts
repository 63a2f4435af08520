import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { AuditActionCatalog } from '../../src/audit/audit-action.catalog.js';
import { cleanText, sanitizeDetails } from '../../src/audit/audit-sanitize.util.js';
import { AuditSummaries } from '../../src/audit/audit-summaries.js';
import type { TestTenant } from '../support/test-app.js';
import { adminDb, auditSettled } from './support/audit-kit.js';
import { ProbeApp, startProbeApp } from './support/probe-app.js';

const CANARY_TOKEN = `eyJhbGciOiJFUzI1NiJ9.canarytoken${randomBytes(8).toString('hex')}`;
const CANARY_VALUE = `canary-field-value-${randomBytes(8).toString('hex')}`;
const CANARY_FILE = Buffer.from(`canary-file-bytes-${randomBytes(8).toString('hex')}`).toString('base64');
const CANARY_QUERY = `canary-query-${randomBytes(8).toString('hex')}`;
const CANARIES = [CANARY_TOKEN, CANARY_VALUE, CANARY_FILE, Buffer.from(CANARY_FILE, 'base64').toString()];

const PARAMS: Record<string, string> = {
  id: '6d1f0c1e-0000-4000-8000-000000000001',
  accountId: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  vaultId: 'ytrfte14kw1uex5txaore1emkz',
  itemId: 'wepiqdxdzncjtnvmv5fegud4qy',
  fileId: 'xmr4h6hjtnllxuemlgpdqsj7yq',
};

/** A body carrying every kind of secret the service handles, under the names real routes use. */
const body = {
  name: 'canary account',
  title: 'Canary item',
  category: 'LOGIN',
  role: 'operator',
  connectServerUrl: `https://user:${CANARY_TOKEN}@connect.example.com/path?token=${CANARY_TOKEN}`,
  token: CANARY_TOKEN,
  connectToken: CANARY_TOKEN,
  value: CANARY_VALUE,
  content: CANARY_FILE,
  fields: [
    { id: 'password', label: 'password', type: 'CONCEALED', purpose: 'PASSWORD', value: CANARY_VALUE },
    { id: 'notes', label: 'notes', type: 'STRING', value: CANARY_VALUE, section: { id: 'extra' } },
  ],
  files: [{ name: 'key.pem', content: CANARY_FILE }],
};

describe('audit: secrets never reach an audit record or a log line', () => {
  let p: ProbeApp;
  let db: pg.Client;
  let tenant: TestTenant;
  let requestIds: string[];

  beforeAll(async () => {
    p = await startProbeApp();
    db = await adminDb();
    tenant = await p.createTenant();
    requestIds = [];
    let n = 0;
    const routes = p.app.get(AuditActionCatalog).routes().filter((r) => r.action && r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const path = route.url.replace(/:([A-Za-z]+)/g, (_, name: string) => PARAMS[name] ?? PARAMS.id);
      for (const auth of [undefined, `Bearer ${CANARY_TOKEN}`, `Bearer ${tenant.adminKey}`]) {
        const requestId = `canary-walk-${++n}`;
        let call = p.http()[route.method.toLowerCase() as 'get'](path).set('X-Request-Id', requestId).set('X-Connect-Token', CANARY_TOKEN).set('Cookie', `session=${CANARY_TOKEN}`);
        if (auth) call = call.set('Authorization', auth);
        if (!['GET', 'DELETE'].includes(route.method)) call = call.send(body);
        await call;
        requestIds.push(requestId);
      }
    }
    // An item write that succeeds, with secret values in its fields.
    const created = await p.http().post(`/v1/probe/connected-accounts/${PARAMS.accountId}/vaults/${PARAMS.vaultId}/items`)
      .set('Authorization', `Bearer ${tenant.adminKey}`).set('X-Request-Id', 'canary-walk-create').send(body).expect(201);
    requestIds.push(created.headers['x-request-id']);
    await auditSettled(p.app);
  });
  afterAll(async () => {
    await db.end();
    await p.close();
  });

  it('keeps every canary out of the audit records of every route, while recording each call', async () => {
    const { rows } = await db.query<{ line: string; type: string }>('SELECT a::text AS line, type FROM audit_events a WHERE request_id = ANY ($1)', [requestIds]);
    expect(rows).toHaveLength(requestIds.length * 2);
    const text = rows.map((r) => r.line).join('\n');
    for (const canary of CANARIES) expect(text).not.toContain(canary);
    expect(text).not.toContain(tenant.adminKey.slice(17));
    // What was recorded instead: names, types and the Connect host.
    const [create] = (await db.query(`SELECT details FROM audit_events WHERE request_id = 'canary-walk-create' AND type = 'request'`)).rows;
    expect(create.details).toEqual({
      title: 'Canary item',
      category: 'LOGIN',
      fieldCount: 2,
      fields: [
        { id: 'password', label: 'password', type: 'CONCEALED', purpose: 'PASSWORD' },
        { id: 'notes', label: 'notes', type: 'STRING', section: 'extra' },
      ],
    });
  });

  it('keeps every canary out of the logs', () => {
    const logs = p.logs.text();
    expect(logs.length).toBeGreaterThan(0);
    for (const canary of CANARIES) expect(logs).not.toContain(canary);
    expect(logs).not.toContain(tenant.adminKey.slice(17));
  });

  it('keeps query-string secrets out of the audit records (only declared filter names are kept)', async () => {
    const res = await p.http().get(`/v1/audit-events?token=${CANARY_QUERY}&connectToken=${CANARY_QUERY}`).set('Authorization', `Bearer ${tenant.adminKey}`).expect(400);
    const ok = await p.http().get(`/v1/tenant?token=${CANARY_QUERY}`).set('Authorization', `Bearer ${tenant.adminKey}`);
    await auditSettled(p.app);
    const { rows } = await db.query('SELECT a::text AS line FROM audit_events a WHERE request_id = ANY ($1)', [[res.headers['x-request-id'], ok.headers['x-request-id']]]);
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.line).join('\n')).not.toContain(CANARY_QUERY);
  });

  it('summarises connected accounts by name and host, never the token', () => {
    const summary = AuditSummaries.connectedAccount({ params: {}, query: {}, body });
    expect(summary).toEqual({ name: 'canary account', connectServerHost: 'connect.example.com', tokenProvided: true });
    expect(JSON.stringify(sanitizeDetails(AuditSummaries.itemPatch({ params: {}, query: {}, body: [{ op: 'replace', path: '/fields/password/value', value: CANARY_VALUE }] })))).not.toContain(CANARY_VALUE);
  });

  it('cleans control characters, separators and bidi overrides from every stored string', () => {
    expect(cleanText('a\r\nb\u0000c\u001bd\u0085e\u2028f\u202eg\u2066h')).toBe('abcdefgh');
    expect(cleanText('x'.repeat(600), 512)).toHaveLength(512);
    expect(cleanText('\ud83d')).toBe('\ufffd');
    expect(sanitizeDetails({ 'ki\r\nnd': 'v\nw', token: 'secret', nested: { password: 'p', ok: [1, 'two\u0007'] } })).toEqual({ kind: 'vw', token: '[redacted]', nested: { password: '[redacted]', ok: [1, 'two'] } });
  });
});
