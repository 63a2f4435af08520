import type pg from 'pg';
import { AuditActionCatalog } from '../../src/audit/audit-action.catalog.js';
import { AUDIT_STORE } from '../../src/audit/audit.tokens.js';
import type { AuditStore } from '../../src/audit/audit-store.js';
import type { SimulatorSeed } from '../../src/connect-simulator/simulator-seed.types.js';
import { ConnectClientRegistry } from '../../src/connected-accounts/connect-client.registry.js';
import { ActionsFixture, cid, connectCalls, startFixture } from '../actions-rest/actions-fixture.js';
import { adminDb, auditSettled, recordsOf } from './support/audit-kit.js';

const VAULT = cid('vaultgate');
const ITEM = cid('itemgate');
const FILE = cid('filegate');

const seed: SimulatorSeed = {
  vaults: [
    {
      id: VAULT,
      name: 'Gate',
      items: [
        {
          id: ITEM, title: 'Gated', category: 'LOGIN',
          fields: [{ id: cid('fieldotp'), type: 'OTP', label: 'otp', value: 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP' }],
          files: [{ id: FILE, name: 'gate.txt', bytes: new Uint8Array(Buffer.from('gate\n')) }],
        },
      ],
    },
  ],
};

/**
 * Reads that reach Connect start their handler while the request record commits (AuditRouteMeta
 * .handlerDuringCommit). What must still hold: nothing reaches Connect, and nothing is answered, before the
 * record is committed; a record that cannot be committed refuses the request with 503, whatever the handler did.
 */
describe('audit: reads run while their record commits, Connect and the answer wait for it', () => {
  let f: ActionsFixture;
  let db: pg.Client;

  /** One request per route whose handler starts during the commit, keyed by method and route pattern. */
  const reads = (): Record<string, () => ReturnType<ActionsFixture['get']>> => {
    const item = `${f.base}/vaults/${VAULT}/items/${ITEM}`;
    const run = (key: string, input: Record<string, unknown>) => () => f.post(`/v1/actions/${key}/run`, { connectedAccountId: f.accountId, input });
    return {
      'GET /v1/connected-accounts/:accountId/vaults': () => f.get(`${f.base}/vaults`),
      'GET /v1/connected-accounts/:accountId/vaults/:vaultId': () => f.get(`${f.base}/vaults/${VAULT}`),
      'GET /v1/connected-accounts/:accountId/vaults/:vaultId/items': () => f.get(`${f.base}/vaults/${VAULT}/items`),
      'GET /v1/connected-accounts/:accountId/vaults/:vaultId/items/:itemId': () => f.get(item),
      'GET /v1/connected-accounts/:accountId/vaults/:vaultId/items/:itemId/otp': () => f.get(`${item}/otp`),
      'GET /v1/connected-accounts/:accountId/vaults/:vaultId/items/:itemId/files': () => f.get(`${item}/files`),
      'GET /v1/connected-accounts/:accountId/vaults/:vaultId/items/:itemId/files/:fileId': () => f.get(`${item}/files/${FILE}`),
      'GET /v1/connected-accounts/:accountId/vaults/:vaultId/items/:itemId/files/:fileId/content': () => f.get(`${item}/files/${FILE}/content`),
      'POST /v1/actions/vaults.list/run': run('vaults.list', {}),
      'POST /v1/actions/vaults.get/run': run('vaults.get', { vaultId: VAULT }),
      'POST /v1/actions/items.list/run': run('items.list', { vaultId: VAULT }),
      'POST /v1/actions/items.get/run': run('items.get', { vaultId: VAULT, itemId: ITEM }),
      'POST /v1/actions/items.otp/run': run('items.otp', { vaultId: VAULT, itemId: ITEM }),
      'POST /v1/actions/files.list/run': run('files.list', { vaultId: VAULT, itemId: ITEM }),
      'POST /v1/actions/files.get/run': run('files.get', { vaultId: VAULT, itemId: ITEM, fileId: FILE }),
      'POST /v1/actions/files.content/run': run('files.content', { vaultId: VAULT, itemId: ITEM, fileId: FILE }),
    };
  };

  beforeAll(async () => {
    f = await startFixture({ seed });
    db = await adminDb();
  });
  afterAll(async () => {
    await db?.end();
    await f?.close();
  });
  beforeEach(() => f.sim.clearRequests());

  it('covers every route whose handler starts during the commit, and only reads', () => {
    const catalog = f.t.app.get(AuditActionCatalog);
    const during = catalog.routes()
      .filter((r) => r.method !== 'HEAD' && catalog.lookup(r.method, r.url).handlerDuringCommit)
      .map((r) => `${r.method} ${r.url}`);
    expect(during.sort()).toEqual(Object.keys(reads()).sort());
    for (const write of ['POST /v1/connected-accounts/:accountId/vaults/:vaultId/items', 'POST /v1/actions/items.create/run', 'GET /v1/audit-events/export']) {
      const [method, url] = write.split(' ');
      expect(catalog.lookup(method, url).handlerDuringCommit).toBe(false);
    }
  });

  it('holds every such read\'s Connect calls and answer while its record cannot commit, then serves it', async () => {
    const registry = f.t.app.get(ConnectClientRegistry);
    const lookups = jest.spyOn(registry, 'forPrincipal');
    const blocker = await adminDb();
    const answered: string[] = [];
    const pending: Promise<{ route: string; status: number; requestId: string }>[] = [];
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM audit_chain_heads WHERE tenant_id = $1 FOR UPDATE', [f.tenant.id]);
      for (const [route, send] of Object.entries(reads())) {
        pending.push(send().then((res) => {
          answered.push(route);
          return { route, status: res.status, requestId: res.headers['x-request-id'] };
        }));
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
      // The handlers ran (each asked for its client)...
      expect(lookups.mock.calls.length).toBeGreaterThanOrEqual(pending.length);
      // ...but nothing reached Connect and nothing was answered.
      expect(connectCalls(f.sim)).toEqual([]);
      expect(answered).toEqual([]);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
      lookups.mockRestore();
    }
    const results = await Promise.all(pending);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(connectCalls(f.sim).length).toBeGreaterThanOrEqual(results.length);
    await auditSettled(f.t.app);
    for (const { requestId } of results) {
      const { request, response } = await recordsOf(db, requestId);
      expect(request).toBeDefined();
      expect(response).toMatchObject({ outcome: 'success', http_status: 200 });
    }
  });

  it('sends the request record to the database before the handler starts, so the two overlap', async () => {
    await auditSettled(f.t.app);
    const order: string[] = [];
    const store = f.t.app.get<AuditStore>(AUDIT_STORE);
    const registry = f.t.app.get(ConnectClientRegistry);
    const append = store.append.bind(store);
    const forPrincipal = registry.forPrincipal.bind(registry);
    const spies = [
      jest.spyOn(store, 'append').mockImplementation((batch) => (order.push('append'), append(batch))),
      jest.spyOn(registry, 'forPrincipal').mockImplementation((principal, accountId) => (order.push('handler'), forPrincipal(principal, accountId))),
    ];
    try {
      await f.get(`${f.base}/vaults/${VAULT}/items/${ITEM}`).expect(200);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(order.slice(0, 2)).toEqual(['append', 'handler']);
  });

  it('refuses with 503 AUDIT_UNAVAILABLE when the record cannot be written, even a request validation or the handler refused', async () => {
    const store = f.t.app.get<AuditStore>(AUDIT_STORE);
    const diskFull = () => Object.assign(new Error('could not write to file "pg_wal": No space left on device'), { code: '53100' });
    const failing = [jest.spyOn(store, 'append').mockRejectedValue(diskFull()), jest.spyOn(store, 'appendLocked').mockRejectedValue(diskFull())];
    try {
      for (const send of Object.values(reads())) {
        const res = await send().expect(503);
        expect(res.body.error.code).toBe('AUDIT_UNAVAILABLE');
      }
      // Refused by validation (400 otherwise) and by the handler (404 otherwise): the audit failure is the answer.
      const invalid = await f.get(`${f.base}/vaults/${VAULT}/items/${ITEM}?by=nonsense`).expect(503);
      expect(invalid.body.error.code).toBe('AUDIT_UNAVAILABLE');
      const missing = await f.get(`${f.base}/vaults/${cid('nosuchvault')}/items/${ITEM}`).expect(503);
      expect(missing.body.error.code).toBe('AUDIT_UNAVAILABLE');
      expect(connectCalls(f.sim)).toEqual([]);
    } finally {
      for (const spy of failing) spy.mockRestore();
    }
    await auditSettled(f.t.app);
    await f.get(`${f.base}/vaults/${VAULT}/items/${ITEM}`).expect(200);
  });
});
