import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import type { SimulatorSeed } from '../../src/connect-simulator/simulator-seed.types.js';
import { CONNECT_ID, RFC3339_SECONDS, connectClient } from './connect-client.helper.js';

// Conformance with connect-api.md §1-5 and §11: endpoints, statuses, error bodies, filters, scopes, activity.
const ENG = 'engvault00000000000000001a';
const MKT = 'mktvault00000000000000001b';
const DB = 'dbitem0000000000000000001c';
const START = Date.parse('2025-01-17T23:41:32Z');

const seed: SimulatorSeed = {
  tokens: [
    { token: 't-all', vaults: { '*': ['read', 'write'] } },
    { token: 't-read', vaults: { Engineering: ['read'] } },
    { token: 't-write', vaults: { [ENG]: ['write'] } },
  ],
  vaults: [
    {
      id: ENG,
      name: 'Engineering',
      description: 'Engineering credentials',
      items: [
        {
          id: DB,
          title: 'db',
          category: 'LOGIN',
          tags: ['prod'],
          urls: [{ href: 'https://db', primary: true }],
          sections: [{ id: 's1', label: 'Extra' }],
          fields: [
            { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'admin' },
            { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'pw' },
            { id: 'host', section: { id: 's1' }, type: 'STRING', label: 'host', value: 'db.internal' },
          ],
          files: [{ name: 'cert.pem', content: Buffer.from('CERT').toString('base64'), section: { id: 's1' } }],
        },
        { title: 'db replica', category: 'LOGIN', tags: ['staging'] },
        { title: 'Stripe', category: 'API_CREDENTIAL', tags: ['prod', 'payments'] },
      ],
    },
    { id: MKT, name: 'Marketing', type: 'EVERYONE', items: [{ title: 'Twitter', category: 'LOGIN' }] },
  ],
};

describe('Connect simulator: API conformance', () => {
  let sim: ConnectSimulator;
  let now = START;
  let api: ReturnType<typeof connectClient>;

  beforeAll(async () => {
    sim = await ConnectSimulator.start({ seed, clock: () => now });
    api = connectClient(sim, 't-all');
  });
  afterAll(() => sim.stop());

  describe('general', () => {
    it('sends 1Password-Connect-Version on every response, errors and root endpoints included', async () => {
      const paths = ['/v1/vaults', `/v1/vaults/${ENG}/items/${'x'.repeat(26)}`, '/heartbeat', '/health', '/metrics', '/nowhere'];
      for (const path of paths) {
        expect((await api.get(path)).headers.get('1password-connect-version')).toBe('1.7.3');
      }
      expect((await connectClient(sim, null).get('/v1/vaults')).headers.get('1password-connect-version')).toBe('1.7.3');
    });

    it('reports the configured version', async () => {
      const other = await ConnectSimulator.start({ seed: { vaults: [] }, version: '1.8.1' });
      try {
        const health = await connectClient(other, null).get('/health');
        expect(health.headers.get('1password-connect-version')).toBe('1.8.1');
        expect(health.body.version).toBe('1.8.1');
      } finally {
        await other.stop();
      }
    });

    it('answers every path with and without a trailing slash', async () => {
      const file = sim.store.item(ENG, DB)!.files[0];
      const paths = [
        '/v1/vaults', `/v1/vaults/${ENG}`, `/v1/vaults/${ENG}/items`, `/v1/vaults/${ENG}/items/${DB}`,
        `/v1/vaults/${ENG}/items/${DB}/files`, `/v1/vaults/${ENG}/items/${DB}/files/${file.id}`,
        `/v1/vaults/${ENG}/items/${DB}/files/${file.id}/content`, '/v1/activity', '/heartbeat', '/health', '/metrics',
      ];
      for (const path of paths) {
        expect([path, (await api.get(path)).status]).toEqual([path, 200]);
        expect([`${path}/`, (await api.get(`${path}/`)).status]).toEqual([`${path}/`, 200]);
      }
    });

    it('answers unknown routes 404 and wrong methods 405 with the error body', async () => {
      expect((await api.get('/v1/nothing')).body).toEqual({ status: 404, message: 'Not Found' });
      const wrong = await api.request('POST', `/v1/vaults/${ENG}`, {});
      expect(wrong.status).toBe(405);
      expect(wrong.body).toEqual({ status: 405, message: 'Method Not Allowed' });
    });
  });

  describe('heartbeat, health, metrics', () => {
    it('GET /heartbeat answers text/plain "."', async () => {
      const res = await connectClient(sim, null).get('/heartbeat');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.body).toBe('.');
    });

    it('GET /health reports the server and its dependencies without a token', async () => {
      const res = await connectClient(sim, null).get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        name: '1Password Connect API',
        version: '1.7.3',
        dependencies: [
          { service: 'sync', status: 'ACTIVE' },
          { service: 'sqlite', status: 'ACTIVE', message: expect.stringMatching(/^Connected to/) },
          { service: 'account_data', status: 'ACTIVE' },
        ],
      });
    });

    it('GET /metrics answers Prometheus text with request counters', async () => {
      const res = await connectClient(sim, null).get('/metrics');
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.body).toMatch(/^# TYPE connect_simulator_http_requests_total counter$/m);
      expect(res.body).toMatch(/^connect_simulator_http_requests_total\{method="GET",status="200"\} \d+$/m);
      expect(res.body).toMatch(/^connect_simulator_items \d+$/m);
    });
  });

  describe('authentication', () => {
    it('answers 401 "invalid bearer token" without a token, with a malformed header or an unknown token', async () => {
      for (const headers of [{}, { Authorization: 'Basic abc' }, { Authorization: 'Bearer nope' }] as Record<string, string>[]) {
        const res = await fetch(`${sim.url}/v1/vaults`, { headers });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ status: 401, message: 'invalid bearer token' });
      }
    });

    it('answers 401 "Invalid token signature" for a JWT signed by someone else', async () => {
      const [header, claims] = sim.defaultToken().split('.');
      const forged = await connectClient(sim, `${header}.${claims}.${Buffer.from('forged').toString('base64url')}`).get('/v1/vaults');
      expect(forged.body).toEqual({ status: 401, message: 'Invalid token signature' });

      const other = await ConnectSimulator.start({ seed: { vaults: [] } });
      try {
        const foreign = await connectClient(sim, other.defaultToken()).get('/v1/vaults');
        expect(foreign.body).toEqual({ status: 401, message: 'Invalid token signature' });
      } finally {
        await other.stop();
      }
    });

    it('mints JWT-shaped tokens that carry vault scopes in Connect-style claims', () => {
      const token = sim.createToken({ Engineering: ['read'], [MKT]: ['read', 'write'] });
      const [header, claims, signature] = token.split('.');
      expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'HS256', typ: 'JWT' });
      expect(signature).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(JSON.parse(Buffer.from(claims, 'base64url').toString())).toEqual({
        '1password.com/auuid': expect.stringMatching(/^[A-Z0-9]{26}$/),
        '1password.com/token': expect.any(String),
        '1password.com/fts': ['vaultaccess'],
        '1password.com/vts': [{ u: ENG, a: 16 }, { u: MKT, a: 48 }],
        aud: ['com.1password.connect'],
        iss: 'com.1password.b5',
        sub: expect.stringMatching(/^[A-Z0-9]{26}$/),
        iat: expect.any(Number),
        jti: expect.stringMatching(CONNECT_ID),
      });
      expect(sim.tokens.map((t) => t.token)).toContain(token);
    });

    it('accepts seed tokens as plain strings with their seed scopes', async () => {
      expect((await connectClient(sim, 't-read').get(`/v1/vaults/${ENG}/items`)).status).toBe(200);
      expect(sim.tokens.find((t) => t.token === 't-read')!.vaults).toEqual({ [ENG]: ['read'] });
    });
  });

  describe('token scopes', () => {
    it('lists only the vaults in scope', async () => {
      expect((await connectClient(sim, 't-read').get('/v1/vaults')).body.map((v: { id: string }) => v.id)).toEqual([ENG]);
      const minted = sim.createToken({ Marketing: ['read'] });
      expect((await connectClient(sim, minted).get('/v1/vaults')).body.map((v: { id: string }) => v.id)).toEqual([MKT]);
    });

    it('answers 403 "vault {id} is not in scope" outside the scope', async () => {
      const reader = connectClient(sim, 't-read');
      for (const path of [`/v1/vaults/${MKT}`, `/v1/vaults/${MKT}/items`]) {
        const res = await reader.get(path);
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ status: 403, message: `vault ${MKT} is not in scope` });
      }
    });

    it('answers 403 to writes without write permission, and to reads without read permission', async () => {
      const reader = connectClient(sim, 't-read');
      const writes = [
        await reader.post(`/v1/vaults/${ENG}/items`, { title: 'x', category: 'LOGIN' }),
        await reader.put(`/v1/vaults/${ENG}/items/${DB}`, { title: 'x', category: 'LOGIN' }),
        await reader.patch(`/v1/vaults/${ENG}/items/${DB}`, [{ op: 'replace', path: '/title', value: 'x' }]),
        await reader.delete(`/v1/vaults/${ENG}/items/${DB}`),
      ];
      for (const res of writes) {
        expect(res.status).toBe(403);
        expect(res.body.status).toBe(403);
      }
      const writer = connectClient(sim, 't-write');
      expect((await writer.get(`/v1/vaults/${ENG}/items/${DB}`)).status).toBe(403);
      expect(sim.store.item(ENG, DB)!.title).toBe('db');
    });
  });

  describe('vaults', () => {
    it('lists vaults with every Vault field', async () => {
      const res = await api.get('/v1/vaults');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const eng = res.body.find((v: { id: string }) => v.id === ENG);
      expect(eng).toEqual({
        id: ENG,
        name: 'Engineering',
        description: 'Engineering credentials',
        attributeVersion: 1,
        contentVersion: expect.any(Number),
        items: 3,
        type: 'USER_CREATED',
        createdAt: expect.stringMatching(RFC3339_SECONDS),
        updatedAt: expect.stringMatching(RFC3339_SECONDS),
      });
      expect(res.body.find((v: { id: string }) => v.id === MKT).type).toBe('EVERYONE');
    });

    it('filters by name eq and by its title eq alias', async () => {
      for (const attribute of ['name', 'title']) {
        const res = await api.get(`/v1/vaults?filter=${encodeURIComponent(`${attribute} eq "Marketing"`)}`);
        expect(res.body.map((v: { name: string }) => v.name)).toEqual(['Marketing']);
      }
      expect((await api.get(`/v1/vaults?filter=${encodeURIComponent('name eq "marketing"')}`)).body).toEqual([]);
    });

    it('rejects bad filter syntax and values containing a quote with 400', async () => {
      // `co` is documented for item titles only.
      for (const filter of ['name = "x"', 'owner eq "x"', 'name eq x', `name eq "it's"`, 'name co "Market"']) {
        const res = await api.get(`/v1/vaults?filter=${encodeURIComponent(filter)}`);
        expect([filter, res.status, res.body.status]).toEqual([filter, 400, 400]);
      }
    });

    it('gets one vault, 404 for an unknown id, 400 for a malformed one', async () => {
      expect((await api.get(`/v1/vaults/${ENG}`)).body).toMatchObject({ id: ENG, name: 'Engineering', items: 3 });
      const missing = 'z'.repeat(26);
      expect((await api.get(`/v1/vaults/${missing}`)).body).toEqual({ status: 404, message: `vault ${missing} not found` });
      const malformed = await api.get('/v1/vaults/[object%20Object]/items');
      expect(malformed.body).toEqual({ status: 400, message: 'Invalid Vault UUID' });
    });
  });

  describe('items', () => {
    it('lists item summaries without fields, sections or files', async () => {
      const res = await api.get(`/v1/vaults/${ENG}/items`);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(3);
      expect(res.body[0]).toEqual({
        id: DB,
        title: 'db',
        vault: { id: ENG },
        category: 'LOGIN',
        urls: [{ href: 'https://db', primary: true }],
        favorite: false,
        tags: ['prod'],
        version: 1,
        createdAt: '2025-01-17T23:41:32Z',
        updatedAt: '2025-01-17T23:41:32Z',
        lastEditedBy: expect.stringMatching(/^[A-Z0-9]{26}$/),
      });
      for (const item of res.body) expect(item.id).toMatch(CONNECT_ID);
    });

    it('filters items by title eq, title co and tag eq', async () => {
      const titles = async (filter: string) =>
        (await api.get(`/v1/vaults/${ENG}/items?filter=${encodeURIComponent(filter)}`)).body.map((i: { title: string }) => i.title);
      expect(await titles('title eq "db"')).toEqual(['db']);
      expect(await titles('title co "db"')).toEqual(['db', 'db replica']);
      expect(await titles('tag eq "prod"')).toEqual(['db', 'Stripe']);
      expect(await titles('title eq "nothing"')).toEqual([]);
      // The JS SDK sends the filter unencoded, with spaces and quotes as the URL class escapes them.
      expect((await api.get(`/v1/vaults/${ENG}/items/?filter=title eq "Stripe"`)).body).toHaveLength(1);
      for (const bad of ['title sw "d"', 'title eq', `title eq "o'brien"`, 'tag co "pro"', 'name eq "db"']) {
        expect((await api.get(`/v1/vaults/${ENG}/items?filter=${encodeURIComponent(bad)}`)).status).toBe(400);
      }
    });

    it('answers 404 for the items of an unknown vault', async () => {
      const missing = 'y'.repeat(26);
      expect((await api.get(`/v1/vaults/${missing}/items`)).body).toEqual({ status: 404, message: `vault ${missing} not found` });
    });

    it('gets a FullItem with sections, fields and files', async () => {
      const res = await api.get(`/v1/vaults/${ENG}/items/${DB}`);
      expect(res.status).toBe(200);
      const file = sim.store.item(ENG, DB)!.files[0];
      expect(res.body).toMatchObject({
        id: DB,
        sections: [{ id: 's1', label: 'Extra' }],
        fields: [
          { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'admin' },
          { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'pw', entropy: expect.any(Number) },
          { id: 'host', section: { id: 's1' }, type: 'STRING', label: 'host', value: 'db.internal' },
        ],
        files: [{ id: file.id, name: 'cert.pem', size: 4, section: { id: 's1' }, content_path: `/v1/vaults/${ENG}/items/${DB}/files/${file.id}/content` }],
      });
      expect(res.body.files[0].content).toBeUndefined();
    });

    it('answers 404 "item {id} not found" and 400 "Invalid Item UUID"', async () => {
      const missing = 'q'.repeat(26);
      expect((await api.get(`/v1/vaults/${ENG}/items/${missing}`)).body).toEqual({ status: 404, message: `item ${missing} not found` });
      expect((await api.get(`/v1/vaults/${ENG}/items/not-an-id`)).body).toEqual({ status: 400, message: 'Invalid Item UUID' });
    });
  });

  describe('create', () => {
    it('answers 200 with server-assigned ids, version 1 and vault counters updated', async () => {
      now = START + 60_000;
      const before = (await api.get(`/v1/vaults/${ENG}`)).body;
      const res = await api.post(`/v1/vaults/${ENG}/items/`, {
        vault: { id: ENG },
        title: 'New login',
        category: 'LOGIN',
        tags: ['new'],
        sections: [{ id: 'extra', label: 'Extra' }],
        fields: [
          { type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'me' },
          { type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'Secret-123' },
          { type: 'STRING', label: 'note', value: 'n', section: { id: 'extra' } },
        ],
      });
      expect(res.status).toBe(200);
      const claims = JSON.parse(Buffer.from(sim.defaultToken().split('.')[1], 'base64url').toString());
      expect(res.body).toMatchObject({
        id: expect.stringMatching(CONNECT_ID),
        title: 'New login',
        vault: { id: ENG },
        version: 1,
        createdAt: '2025-01-17T23:42:32Z',
        updatedAt: '2025-01-17T23:42:32Z',
        lastEditedBy: claims.sub,
        sections: [{ id: 'extra', label: 'Extra' }],
      });
      expect(res.body.fields.map((f: { id: string }) => f.id)).toEqual(['username', 'password', expect.stringMatching(CONNECT_ID)]);
      const after = (await api.get(`/v1/vaults/${ENG}`)).body;
      expect(after.items).toBe(before.items + 1);
      expect(after.contentVersion).toBe(before.contentVersion + 1);
      expect(after.updatedAt).toBe('2025-01-17T23:42:32Z');
      expect(after.attributeVersion).toBe(before.attributeVersion);
      expect((await api.get(`/v1/vaults/${ENG}/items?filter=${encodeURIComponent('title eq "New login"')}`)).body).toHaveLength(1);
      expect(sim.store.item(ENG, res.body.id)!.lastEditedBy).toBe(claims.sub);
    });

    it('takes the vault from the path and rejects a body naming another vault', async () => {
      const res = await api.post(`/v1/vaults/${ENG}/items`, { vault: { id: MKT }, title: 'x', category: 'LOGIN' });
      expect(res.status).toBe(400);
      expect((await api.post(`/v1/vaults/${ENG}/items`, { title: 'no vault', category: 'LOGIN' })).body.vault).toEqual({ id: ENG });
    });

    it('rejects CUSTOM, DOCUMENT and unknown categories', async () => {
      for (const category of ['CUSTOM', 'DOCUMENT', 'NOPE', undefined]) {
        expect((await api.post(`/v1/vaults/${ENG}/items`, { title: 'x', category })).body).toEqual({ status: 400, message: 'Invalid item category' });
      }
    });

    it('rejects the TOTP field type (the wire type is OTP)', async () => {
      const field = { type: 'TOTP', value: 'otpauth://totp/x?secret=GEZDGNBVGY3DQOJQ' };
      expect((await api.post(`/v1/vaults/${ENG}/items`, { title: 'x', category: 'LOGIN', fields: [field] })).status).toBe(400);
      const ok = await api.post(`/v1/vaults/${ENG}/items`, { title: 'x', category: 'LOGIN', fields: [{ ...field, type: 'OTP' }] });
      expect(ok.status).toBe(200);
      expect(ok.body.fields[0].totp).toMatch(/^\d{6}$/);
    });

    it('validates DATE (YYYY-MM-DD) and MONTH_YEAR (YYYYMM) values', async () => {
      const create = (type: string, value: string) => api.post(`/v1/vaults/${ENG}/items`, { title: 'x', category: 'PASSPORT', fields: [{ type, value }] });
      expect((await create('DATE', '2024-02-29')).status).toBe(200);
      expect((await create('MONTH_YEAR', '202412')).status).toBe(200);
      for (const value of ['2024-13-01', '2023-02-29', '24-01-01', 'tomorrow']) expect((await create('DATE', value)).status).toBe(400);
      for (const value of ['202413', '2024-12', '12/2024']) expect((await create('MONTH_YEAR', value)).status).toBe(400);
    });

    it('allows one PASSWORD-purpose field on LOGIN and PASSWORD items', async () => {
      const fields = [
        { type: 'CONCEALED', purpose: 'PASSWORD', value: 'a' },
        { type: 'CONCEALED', purpose: 'PASSWORD', value: 'b' },
      ];
      for (const category of ['LOGIN', 'PASSWORD']) {
        expect((await api.post(`/v1/vaults/${ENG}/items`, { title: 'x', category, fields })).body).toEqual({
          status: 400,
          message: 'Validation: (too many "password" fields in Apply())',
        });
      }
      expect((await api.post(`/v1/vaults/${ENG}/items`, { title: 'x', category: 'SERVER', fields })).status).toBe(200);
    });

    it('rejects bodies that are not an item object', async () => {
      expect((await api.post(`/v1/vaults/${ENG}/items`, '{not json')).status).toBe(400);
      expect((await api.post(`/v1/vaults/${ENG}/items`, [])).status).toBe(400);
      expect((await api.post(`/v1/vaults/${ENG}/items`, { category: 'LOGIN', fields: {} })).status).toBe(400);
      expect((await api.post(`/v1/vaults/${ENG}/items`, { category: 'LOGIN', urls: [{ label: 'no href' }] })).status).toBe(400);
    });
  });

  describe('replace (PUT)', () => {
    it('replaces the whole item, bumps the version and keeps createdAt and files', async () => {
      now = START;
      const created = (await api.post(`/v1/vaults/${MKT}/items`, {
        title: 'Replace me', category: 'LOGIN', tags: ['a', 'b'], urls: [{ href: 'https://a' }],
        fields: [{ type: 'STRING', purpose: 'USERNAME', value: 'u' }, { type: 'STRING', label: 'extra', value: 'e' }],
      })).body;
      sim.store.addFile(MKT, created.id, { name: 'kept.txt', content: Buffer.from('kept').toString('base64') });
      const current = (await api.get(`/v1/vaults/${MKT}/items/${created.id}`)).body;
      now = START + 3_600_000;
      const res = await api.put(`/v1/vaults/${MKT}/items/${created.id}`, {
        ...current,
        title: 'Replaced',
        tags: ['c'],
        urls: undefined,
        fields: [current.fields[0]],
        version: 99,
        createdAt: '2000-01-01T00:00:00Z',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: created.id,
        title: 'Replaced',
        tags: ['c'],
        version: current.version + 1,
        createdAt: created.createdAt,
        updatedAt: '2025-01-18T00:41:32Z',
        fields: [{ id: 'username', value: 'u' }],
        files: [{ name: 'kept.txt' }],
      });
      expect(res.body.urls).toBeUndefined();
      expect((await api.get(`/v1/vaults/${MKT}`)).body.updatedAt).toBe('2025-01-18T00:41:32Z');
    });

    it('answers 400 when the body id or vault id differs from the path, 404 for unknown items', async () => {
      const item = (await api.get(`/v1/vaults/${ENG}/items/${DB}`)).body;
      expect((await api.put(`/v1/vaults/${ENG}/items/${DB}`, { ...item, id: 'a'.repeat(26) })).status).toBe(400);
      expect((await api.put(`/v1/vaults/${ENG}/items/${DB}`, { ...item, vault: { id: MKT } })).status).toBe(400);
      const missing = 'm'.repeat(26);
      expect((await api.put(`/v1/vaults/${ENG}/items/${missing}`, { ...item, id: missing })).body).toEqual({
        status: 404,
        message: `item ${missing} not found`,
      });
      expect(sim.store.item(ENG, DB)!.version).toBe(item.version);
    });

    it('lets CUSTOM and DOCUMENT items keep their category on replace', async () => {
      const doc = sim.store.createItem(MKT, { title: 'Contract', category: 'DOCUMENT' });
      const res = await api.put(`/v1/vaults/${MKT}/items/${doc.id}`, { id: doc.id, title: 'Contract v2', category: 'DOCUMENT' });
      expect(res.status).toBe(200);
      expect(res.body.title).toBe('Contract v2');
    });
  });

  describe('delete', () => {
    it('answers 204 without a body, removes the item from lists and answers 404 afterwards', async () => {
      const created = (await api.post(`/v1/vaults/${MKT}/items`, { title: 'Delete me', category: 'SECURE_NOTE' })).body;
      const before = (await api.get(`/v1/vaults/${MKT}`)).body;
      const res = await api.delete(`/v1/vaults/${MKT}/items/${created.id}`);
      expect(res.status).toBe(204);
      expect(res.raw.length).toBe(0);
      expect((await api.get(`/v1/vaults/${MKT}/items/${created.id}`)).status).toBe(404);
      expect((await api.get(`/v1/vaults/${MKT}/items`)).body.map((i: { id: string }) => i.id)).not.toContain(created.id);
      const after = (await api.get(`/v1/vaults/${MKT}`)).body;
      expect(after.items).toBe(before.items - 1);
      expect(after.contentVersion).toBe(before.contentVersion + 1);
      expect((await api.delete(`/v1/vaults/${MKT}/items/${created.id}`)).body).toEqual({ status: 404, message: `item ${created.id} not found` });
      const missingVault = 'v'.repeat(26);
      expect((await api.delete(`/v1/vaults/${missingVault}/items/${created.id}`)).body).toEqual({
        status: 404,
        message: `vault ${missingVault} not found`,
      });
    });
  });

  describe('activity', () => {
    it('records API requests newest first with Content-Range, limit and offset', async () => {
      await api.get(`/v1/vaults/${ENG}/items/${DB}`);
      await connectClient(sim, 't-read').get(`/v1/vaults/${MKT}`);
      const res = await api.get('/v1/activity');
      expect(res.status).toBe(200);
      const total = Number(res.headers.get('content-range')!.split('/')[1]);
      expect(res.headers.get('content-range')).toBe(`1-${Math.min(50, total)}/${total}`);
      expect(res.body).toHaveLength(Math.min(50, total));
      const [deny, read] = res.body;
      expect(deny).toMatchObject({ action: 'READ', result: 'DENY', resource: { type: 'VAULT', vault: { id: MKT } } });
      expect(read).toEqual({
        requestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        timestamp: expect.stringMatching(RFC3339_SECONDS),
        action: 'READ',
        result: 'SUCCESS',
        actor: { id: expect.any(String), account: expect.any(String), jti: expect.any(String), userAgent: expect.any(String), requestIp: expect.any(String) },
        resource: { type: 'ITEM', vault: { id: ENG }, item: { id: DB }, itemVersion: 1 },
      });

      const page = await api.get('/v1/activity?limit=2&offset=1');
      expect(page.headers.get('content-range')).toBe(`2-3/${total}`);
      expect(page.body).toEqual(res.body.slice(1, 3));
      expect((await api.get('/v1/activity?limit=abc')).status).toBe(400);
    });

    it('records writes as CREATE, UPDATE and DELETE with the item version', async () => {
      const created = (await api.post(`/v1/vaults/${MKT}/items`, { title: 'Audited', category: 'LOGIN' })).body;
      await api.patch(`/v1/vaults/${MKT}/items/${created.id}`, [{ op: 'replace', path: '/title', value: 'Audited 2' }]);
      await api.delete(`/v1/vaults/${MKT}/items/${created.id}`);
      const entries = (await api.get('/v1/activity?limit=3')).body;
      expect(entries.map((e: { action: string }) => e.action)).toEqual(['DELETE', 'UPDATE', 'CREATE']);
      expect(entries.map((e: { resource: { itemVersion: number } }) => e.resource.itemVersion)).toEqual([2, 2, 1]);
    });
  });
});
