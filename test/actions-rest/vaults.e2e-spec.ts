import type { SimulatorSeed } from '../../src/connect-simulator/simulator-seed.types.js';
import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import { ActionsFixture, cid, connectCalls, startFixture } from './actions-fixture.js';

const ENG = cid('vaulteng');
const MKT = cid('vaultmkt');
const TWIN_A = cid('vaulttwina');
const TWIN_B = cid('vaulttwinb');
const QUOTED = cid('vaultquoted');
const SECRET = cid('vaultsecret');

const seed: SimulatorSeed = {
  vaults: [
    { id: ENG, name: 'Engineering', description: 'Engineering secrets', items: [{ id: cid('itemeng'), title: 'db', category: 'LOGIN' }] },
    { id: MKT, name: 'marketing', items: [] },
    { id: TWIN_A, name: 'Twin', items: [] },
    { id: TWIN_B, name: 'Twin', items: [] },
    { id: QUOTED, name: "Ops' vault", items: [] },
    { id: SECRET, name: 'Secret', items: [] },
  ],
};

interface OpenApiOperation {
  tags: string[];
  summary?: string;
  description?: string;
  parameters: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { examples?: unknown }> }>;
}

describe('Vaults (REST)', () => {
  let f: ActionsFixture;

  beforeAll(async () => {
    f = await startFixture({ seed });
  });
  afterAll(() => f?.close());
  beforeEach(() => {
    f.sim.resetFaults();
    f.sim.clearRequests();
  });

  describe('GET /vaults', () => {
    it('lists every vault ordered by name (case-insensitive) then id, in the page envelope', async () => {
      const res = await f.get(`${f.base}/vaults`).expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.data.map((v: { id: string }) => v.id)).toEqual([ENG, MKT, QUOTED, SECRET, TWIN_A, TWIN_B]);
      expect(res.body.data[0]).toMatchObject({ id: ENG, name: 'Engineering', description: 'Engineering secrets', type: 'USER_CREATED', items: 1, attributeVersion: 1 });
    });

    it('pages with limit and an opaque cursor, and all=true returns everything', async () => {
      const first = await f.get(`${f.base}/vaults?limit=4`).expect(200);
      expect(first.body.data).toHaveLength(4);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await f.get(`${f.base}/vaults?limit=4&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body.data.map((v: { id: string }) => v.id)).toEqual([TWIN_A, TWIN_B]);
      expect(second.body.nextCursor).toBeNull();
      const all = await f.get(`${f.base}/vaults?limit=1&all=true`).expect(200);
      expect(all.body.data).toHaveLength(6);
      expect(all.body.nextCursor).toBeNull();
    });

    it('filters by exact name, also a name Connect\'s filter syntax cannot carry', async () => {
      const twins = await f.get(`${f.base}/vaults?name=Twin`).expect(200);
      expect(twins.body.data.map((v: { id: string }) => v.id)).toEqual([TWIN_A, TWIN_B]);
      expect(connectCalls(f.sim)[0].query).toContain('filter=');
      f.sim.clearRequests();
      const quoted = await f.get(`${f.base}/vaults?name=${encodeURIComponent("Ops' vault")}`).expect(200);
      expect(quoted.body.data.map((v: { id: string }) => v.id)).toEqual([QUOTED]);
      expect(connectCalls(f.sim)[0].query).not.toContain('filter=');
      const none = await f.get(`${f.base}/vaults?name=Nope`).expect(200);
      expect(none.body).toEqual({ data: [], nextCursor: null });
    });

    it.each([
      ['limit above 500', '?limit=501', 'limit'],
      ['limit 0', '?limit=0', 'limit'],
      ['a forged cursor', '?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['all=maybe', '?all=maybe', 'all'],
      ['an over-long name', `?name=${'n'.repeat(501)}`, 'name'],
      ['an unknown parameter', '?sort=desc', 'sort'],
    ])('refuses %s with 400 VALIDATION_FAILED before calling Connect', async (_label, query, property) => {
      const res = await f.get(`${f.base}/vaults${query}`).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error.details)).toContain(property);
      expect(connectCalls(f.sim)).toHaveLength(0);
    });
  });

  describe('GET /vaults/:vaultId', () => {
    it('reads a vault by id', async () => {
      const res = await f.get(`${f.base}/vaults/${ENG}`).expect(200);
      expect(res.body).toMatchObject({ id: ENG, name: 'Engineering', contentVersion: expect.any(Number), createdAt: expect.any(String) });
    });

    it('reads a vault by name with ?by=title (one Connect call)', async () => {
      const res = await f.get(`${f.base}/vaults/Engineering?by=title`).expect(200);
      expect(res.body.id).toBe(ENG);
      expect(connectCalls(f.sim)).toHaveLength(1);
      const quoted = await f.get(`${f.base}/vaults/${encodeURIComponent("Ops' vault")}?by=title`).expect(200);
      expect(quoted.body.id).toBe(QUOTED);
    });

    it('answers 409 AMBIGUOUS_TITLE with the candidates when several vaults share the name', async () => {
      const res = await f.get(`${f.base}/vaults/Twin?by=title`).expect(409);
      expect(res.body.error.code).toBe('AMBIGUOUS_TITLE');
      expect(res.body.error.details.candidates).toEqual([
        { id: TWIN_A, vaultId: TWIN_A, title: 'Twin', updatedAt: expect.any(String) },
        { id: TWIN_B, vaultId: TWIN_B, title: 'Twin', updatedAt: expect.any(String) },
      ]);
    });

    it('refuses an over-long title in the path before calling Connect', async () => {
      // 400 VALIDATION_FAILED from 501 characters on; Fastify's router refuses path parameters above its
      // maxParamLength (default 100 encoded characters) with 414 before the route runs.
      const res = await f.get(`${f.base}/vaults/${'t'.repeat(501)}?by=title`);
      expect([400, 414]).toContain(res.status);
      expect(connectCalls(f.sim)).toHaveLength(0);
      const longest = await f.get(`${f.base}/vaults/${'t'.repeat(100)}?by=title`).expect(404);
      expect(longest.body.error.code).toBe('VAULT_NOT_FOUND');
    });

    it('answers 404 VAULT_NOT_FOUND for an unknown id or name (names are case-sensitive)', async () => {
      expect((await f.get(`${f.base}/vaults/${cid('nosuchvault')}`).expect(404)).body.error.code).toBe('VAULT_NOT_FOUND');
      expect((await f.get(`${f.base}/vaults/engineering?by=title`).expect(404)).body.error.code).toBe('VAULT_NOT_FOUND');
    });

    it.each([
      ['a malformed id', 'NOT-AN-ID', '', 'vaultId'],
      ['a 27-character id', 'a'.repeat(27), '', 'vaultId'],
      ['a control character', 'a%0Ab', '?by=title', 'vaultId'],
      ['an unknown lookup mode', ENG, '?by=name', 'by'],
    ])('refuses %s with 400 VALIDATION_FAILED before calling Connect', async (_label, ref, query, property) => {
      const res = await f.get(`${f.base}/vaults/${ref}${query}`).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error.details)).toContain(property);
      expect(connectCalls(f.sim)).toHaveLength(0);
    });
  });

  describe('access and Connect errors', () => {
    it('refuses the auditor role with 403 FORBIDDEN', async () => {
      const res = await f.get(`${f.base}/vaults`, f.auditorKey).expect(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect(connectCalls(f.sim)).toHaveLength(0);
    });

    it('lets the admin role in', async () => {
      await f.get(`${f.base}/vaults/${ENG}`, f.tenant.adminKey).expect(200);
    });

    it("answers 404 CONNECTED_ACCOUNT_NOT_FOUND for another tenant's account, an unknown one, and 400 for a malformed one", async () => {
      const other = await f.t.createTenant();
      const res = await f.get(`${f.base}/vaults`, other.adminKey).expect(404);
      expect(res.body.error.code).toBe('CONNECTED_ACCOUNT_NOT_FOUND');
      await f.get(`/v1/connected-accounts/00000000-0000-4000-8000-000000000000/vaults`).expect(404);
      const bad = await f.get(`/v1/connected-accounts/not-a-uuid/vaults`).expect(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      expect(connectCalls(f.sim)).toHaveLength(0);
    });

    it("answers 403 CONNECT_FORBIDDEN for a vault outside the token's scope", async () => {
      const scoped = await f.connect(f.sim.createToken({ Engineering: ['read'] }));
      const res = await f.get(`/v1/connected-accounts/${scoped}/vaults/${SECRET}`).expect(403);
      expect(res.body.error).toMatchObject({ code: 'CONNECT_FORBIDDEN', details: { connectStatus: 403 } });
      const listed = await f.get(`/v1/connected-accounts/${scoped}/vaults`).expect(200);
      expect(listed.body.data.map((v: { id: string }) => v.id)).toEqual([ENG]);
    });

    it('answers 503 CONNECT_UNAVAILABLE once retries are spent, and succeeds when a retry does', async () => {
      f.sim.setFaults({ retryAfterSeconds: 0, script: [{ status: 503 }, { status: 503 }, { status: 503 }] });
      const res = await f.get(`${f.base}/vaults/${ENG}`).expect(503);
      expect(res.body.error.code).toBe('CONNECT_UNAVAILABLE');
      expect(connectCalls(f.sim, 'GET')).toHaveLength(3);
      f.sim.setFaults({ retryAfterSeconds: 0, script: [{ status: 500 }] });
      await f.get(`${f.base}/vaults/${ENG}`).expect(200);
    });

    it('answers 422 CONNECT_TOKEN_REJECTED when the Connect server no longer accepts the token', async () => {
      // A Connect server restarted without the token: it answers 401 to every call.
      const token = 'plain-token-of-a-server-that-will-forget-it';
      let server = await ConnectSimulator.start({ port: 0, seed: { tokens: [{ token, vaults: { '*': ['read'] } }], vaults: [{ name: 'Only', items: [] }] } });
      const port = server.port;
      const accountId = await f.connect(token, server.url);
      await server.stop();
      server = await ConnectSimulator.start({ port, seed: { vaults: [{ name: 'Only', items: [] }] } });
      try {
        const res = await f.get(`/v1/connected-accounts/${accountId}/vaults`).expect(422);
        expect(res.body.error).toMatchObject({ code: 'CONNECT_TOKEN_REJECTED', details: { connectStatus: 401 } });
        expect(res.text).not.toContain(token);
        expect(f.t.logs.text()).not.toContain(token);
      } finally {
        await server.stop();
      }
    });
  });

  describe('OpenAPI', () => {
    it('documents every vault, item and file route: tag, summary, description, success and error responses with examples', async () => {
      const doc = (await f.t.http().get('/docs-json').expect(200)).body;
      const ours = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)
        .filter(([path]) => /^\/v1\/connected-accounts\/\{accountId\}\/vaults/.test(path))
        .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op: op as unknown as OpenApiOperation })));
      expect(ours.map((o) => o.route).sort()).toEqual([
        'DELETE /v1/connected-accounts/{accountId}/vaults/{vaultId}/items/{itemId}',
        'GET /v1/connected-accounts/{accountId}/vaults',
        'GET /v1/connected-accounts/{accountId}/vaults/{vaultId}',
        'GET /v1/connected-accounts/{accountId}/vaults/{vaultId}/items',
        'GET /v1/connected-accounts/{accountId}/vaults/{vaultId}/items/{itemId}',
        'GET /v1/connected-accounts/{accountId}/vaults/{vaultId}/items/{itemId}/files',
        'GET /v1/connected-accounts/{accountId}/vaults/{vaultId}/items/{itemId}/files/{fileId}',
        'GET /v1/connected-accounts/{accountId}/vaults/{vaultId}/items/{itemId}/files/{fileId}/content',
        'GET /v1/connected-accounts/{accountId}/vaults/{vaultId}/items/{itemId}/otp',
        'PATCH /v1/connected-accounts/{accountId}/vaults/{vaultId}/items/{itemId}',
        'POST /v1/connected-accounts/{accountId}/vaults/{vaultId}/items',
        'PUT /v1/connected-accounts/{accountId}/vaults/{vaultId}/items/{itemId}',
      ]);
      for (const { route, op } of ours) {
        expect([route, op.tags.length === 1 && ['Vaults', 'Items', 'Files'].includes(op.tags[0])]).toEqual([route, true]);
        expect([route, typeof op.summary, typeof op.description]).toEqual([route, 'string', 'string']);
        for (const status of ['400', '401', '403', '404', '422', '502', '503', '504', '500']) {
          const response = op.responses[status];
          expect([route, status, Boolean(response?.content?.['application/json']?.examples)]).toEqual([route, status, true]);
        }
        expect([route, Object.keys(op.responses).some((s) => s.startsWith('2'))]).toEqual([route, true]);
        for (const name of ['accountId', 'vaultId', 'itemId', 'fileId'].filter((n) => route.includes(`{${n}}`))) {
          expect([route, op.parameters.some((p: { name: string; in: string }) => p.name === name && p.in === 'path')]).toEqual([route, true]);
        }
      }
    });
  });
});
