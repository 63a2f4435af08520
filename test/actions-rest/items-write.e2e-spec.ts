import type { SimulatorSeed } from '../../src/connect-simulator/simulator-seed.types.js';
import { auditSettled } from '../audit/support/audit-kit.js';
import { adminQuery } from '../connected-accounts/helpers.js';
import { ActionsFixture, cid, connectCalls, startFixture } from './actions-fixture.js';

const ENG = cid('vaulteng');
const RO = cid('vaultreadonly');
const DB = cid('itemdb');
const CANARY = 'canary-value-9d2e';

const seed: SimulatorSeed = {
  vaults: [
    {
      id: ENG,
      name: 'Engineering',
      items: [
        {
          id: DB, title: 'Database', category: 'DATABASE', tags: ['prod'],
          sections: [{ id: 'conn', label: 'Connection' }, { id: 'old', label: 'Old' }],
          fields: [
            { id: 'host', type: 'STRING', label: 'host', value: 'db.internal', section: { id: 'conn' } },
            { id: 'password', type: 'CONCEALED', label: 'password', value: 'db-secret', section: { id: 'conn' } },
            { id: 'oldpw', type: 'CONCEALED', label: 'password', value: 'old-secret', section: { id: 'old' } },
            { id: 'apikey', type: 'CONCEALED', label: 'api key', value: 'k1' },
          ],
          files: [{ id: cid('filecert'), name: 'cert.pem', content: Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64') }],
        },
      ],
    },
    { id: RO, name: 'Read only', items: [] },
  ],
};

const login = (title: string, extra: Record<string, unknown> = {}) => ({
  title,
  category: 'LOGIN',
  tags: ['created'],
  urls: [{ href: 'https://app.example.com', primary: true }],
  sections: [{ id: 'extra', label: 'Extra' }],
  fields: [
    { purpose: 'USERNAME', label: 'username', value: 'app' },
    { purpose: 'PASSWORD', label: 'password', generate: true, recipe: { length: 40, characterSets: ['LETTERS', 'DIGITS'], excludeCharacters: 'abcdefghijklmnopqrstuvwxyz' } },
    { type: 'TOTP', label: 'otp', value: 'otpauth://totp/app?secret=JBSWY3DPEHPK3PXP', section: { id: 'extra' } },
    { type: 'STRING', label: 'note', value: CANARY, section: { id: 'extra' } },
  ],
  ...extra,
});

describe('Items, writing (REST)', () => {
  let f: ActionsFixture;
  let items: string;
  const posts = () => connectCalls(f.sim, 'POST');

  beforeAll(async () => {
    f = await startFixture({ seed });
    items = `${f.base}/vaults/${ENG}/items`;
  });
  afterAll(() => f?.close());
  beforeEach(() => {
    f.sim.resetFaults();
    f.sim.clearRequests();
  });

  describe('POST /items (create)', () => {
    it.each([
      ['an array inside fields', { fields: [[{ label: 'x', value: 'y' }]] }, 'fields'],
      ['an array inside urls', { urls: [[]] }, 'urls'],
      ['an array inside sections', { sections: [[]] }, 'sections'],
      ['an array for a recipe', { fields: [{ label: 'p', generate: true, recipe: [] }] }, 'fields.0.recipe'],
      ['an array for a section reference', { fields: [{ label: 'p', value: 'v', section: [] }] }, 'fields.0.section'],
    ])('refuses %s where an object is expected (400, Connect not called)', async (_l, extra, property) => {
      const res = await f.post(items, { category: 'LOGIN', title: 'arr', ...extra }).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.problems.map((p: { property: string }) => p.property)).toContain(property);
      expect(posts()).toHaveLength(0);
    });

    it.each([
      ['null tags', { tags: null }, 'tags'],
      ['null urls', { urls: null }, 'urls'],
      ['null fields', { fields: null }, 'fields'],
      ['a null section reference', { fields: [{ label: 'p', value: 'v', section: null }] }, 'fields.0.section'],
      ['a lone surrogate in a title', { title: 'a\ud800b' }, 'title'],
    ])('refuses %s (400 naming it, Connect not called): optional means absent, not null', async (_l, extra, property) => {
      const res = await f.post(items, { category: 'LOGIN', title: 'nulls', ...extra }).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.problems.map((p: { property: string }) => p.property)).toContain(property);
      expect(posts()).toHaveLength(0);
    });

    it('refuses a NUL character in an item value like anywhere else (400 naming it, Connect not called)', async () => {
      const res = await f.post(items, { category: 'LOGIN', title: 'nul', fields: [{ label: 'x', value: 'a\u0000b' }] }).expect(400);
      expect(res.body.error.details.problems).toEqual([{ property: 'fields.0.value', constraints: ['fields.0.value must not contain the NUL character (\\u0000)'] }]);
      expect(posts()).toHaveLength(0);
    });

    it('creates with 201 and the full item: generated value per recipe, TOTP sent as OTP, sections', async () => {
      const res = await f.post(items, login('Created app')).expect(201);
      expect(res.body).toMatchObject({ id: expect.stringMatching(/^[a-z0-9]{26}$/), title: 'Created app', category: 'LOGIN', version: 1, vault: { id: ENG }, tags: ['created'] });
      const password = res.body.fields.find((field: { purpose?: string }) => field.purpose === 'PASSWORD');
      expect(password.value).toMatch(/^[A-Z0-9]{40}$/);
      expect(password.entropy).toEqual(expect.any(Number));
      const otp = res.body.fields.find((field: { label: string }) => field.label === 'otp');
      expect(otp).toMatchObject({ type: 'OTP', section: { id: 'extra' }, totp: expect.stringMatching(/^\d{6}$/) });
      expect(res.body.sections).toEqual([{ id: 'extra', label: 'Extra' }]);
      expect(posts()).toHaveLength(1);
      // Readable afterwards, by title too.
      await f.get(`${f.base}/vaults/Engineering/items/Created%20app?by=title`).expect(200);
    });

    it.each([
      ['CUSTOM', { category: 'CUSTOM' }, 'category'],
      ['DOCUMENT', { category: 'DOCUMENT' }, 'category'],
    ])('refuses category %s with 400 before any Connect call', async (_l, extra, property) => {
      const res = await f.post(items, login('Refused', extra)).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error.details)).toContain(property);
      expect(res.body.error.details.problems[0].constraints[0]).toMatch(/cannot be created/);
      expect(connectCalls(f.sim)).toHaveLength(0);
    });

    it.each([
      ['a recipe longer than 64', { fields: [{ label: 'p', generate: true, recipe: { length: 65 } }] }, 'recipe.length'],
      ['an unknown character set', { fields: [{ label: 'p', generate: true, recipe: { characterSets: ['EMOJI'] } }] }, 'characterSets'],
      ['a repeated character set', { fields: [{ label: 'p', generate: true, recipe: { characterSets: ['DIGITS', 'DIGITS'] } }] }, 'characterSets'],
      ['a value and generate together', { fields: [{ label: 'p', value: 'x', generate: true }] }, 'fields.0'],
      ['a recipe without generate', { fields: [{ label: 'p', recipe: { length: 5 } }] }, 'fields.0.recipe'],
      ['a field in an undeclared section', { sections: [], fields: [{ label: 'p', value: 'x', section: { id: 'nope' } }] }, 'section.id'],
      ['a lower-case field type', { fields: [{ label: 'p', type: 'string', value: 'x' }] }, 'type'],
      ['an unknown purpose', { fields: [{ label: 'p', purpose: 'SECRET', value: 'x' }] }, 'purpose'],
      ['201 fields', { fields: Array.from({ length: 201 }, (_, i) => ({ label: `f${i}`, value: 'x' })) }, 'fields'],
      ['an over-long value', { fields: [{ label: 'p', value: 'x'.repeat(65_537) }] }, 'value'],
      ['an over-long title', { title: 't'.repeat(501) }, 'title'],
      ['51 tags', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'tags'],
      ['a missing title', { title: undefined }, 'title'],
      ['an unknown property', { color: 'red' }, 'color'],
      ['a vault id in the body', { vault: { id: ENG } }, 'vault'],
    ])('refuses %s with 400 VALIDATION_FAILED before any Connect call', async (_l, extra, property) => {
      const res = await f.post(items, login('Invalid', extra)).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error.details)).toContain(property);
      expect(res.text).not.toContain(CANARY);
      expect(connectCalls(f.sim)).toHaveLength(0);
    });

    it('maps a refusal by Connect to 400 CONNECT_BAD_REQUEST with its message', async () => {
      const res = await f.post(items, login('Bad date', { fields: [{ type: 'DATE', label: 'expires', value: '2026-13-45' }] })).expect(400);
      expect(res.body.error.code).toBe('CONNECT_BAD_REQUEST');
      expect(res.body.error.details.connectStatus).toBe(400);
    });

    it('answers 403 CONNECT_FORBIDDEN when the token may only read the vault, and 404 for an unknown vault', async () => {
      const readOnly = await f.connect(f.sim.createToken({ 'Read only': ['read'], Engineering: ['read', 'write'] }));
      const res = await f.post(`/v1/connected-accounts/${readOnly}/vaults/${RO}/items`, login('No write')).expect(403);
      expect(res.body.error.code).toBe('CONNECT_FORBIDDEN');
      expect((await f.post(`${f.base}/vaults/${cid('novault')}/items`, login('Nowhere')).expect(404)).body.error.code).toBe('VAULT_NOT_FOUND');
    });

    it('refuses the auditor with 403 and another tenant with 404, without calling Connect', async () => {
      expect((await f.post(items, login('x'), f.auditorKey).expect(403)).body.error.code).toBe('FORBIDDEN');
      const other = await f.t.createTenant();
      expect((await f.post(items, login('x'), other.adminKey).expect(404)).body.error.code).toBe('CONNECTED_ACCOUNT_NOT_FOUND');
      expect(connectCalls(f.sim)).toHaveLength(0);
    });

    it('creates in a vault named by title', async () => {
      const res = await f.post(`${f.base}/vaults/Engineering/items?by=title`, login('By vault name')).expect(201);
      expect(res.body.vault.id).toBe(ENG);
    });
  });

  describe('Idempotency-Key', () => {
    const withKey = (key: string, body: unknown) => f.post(items, body).set('Idempotency-Key', key);

    it('a retried create returns the first item, re-read from Connect, without a second create', async () => {
      const first = await withKey('retry-1', login('Idempotent')).expect(201);
      const second = await withKey('retry-1', login('Idempotent')).expect(201);
      expect(second.body.id).toBe(first.body.id);
      expect(second.body.fields).toEqual(first.body.fields.map((field: { totp?: string }) => ({ ...field, ...(field.totp ? { totp: expect.any(String) } : {}) })));
      expect(posts()).toHaveLength(1);
      const titled = await f.get(`${items}?title=Idempotent`).expect(200);
      expect(titled.body.data).toHaveLength(1);
    });

    it('stores no field value, only ids, and an HMAC of the request', async () => {
      await withKey('stored-1', login('Stored')).expect(201);
      const rows = await adminQuery<Record<string, unknown>>('SELECT * FROM idempotency_keys WHERE idempotency_key = $1', ['stored-1']);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ state: 'completed', vault_id: ENG, item_id: expect.stringMatching(/^[a-z0-9]{26}$/), tenant_id: f.tenant.id });
      const dump = JSON.stringify(rows[0]) + Buffer.from(rows[0].request_hash as Buffer).toString('latin1');
      expect(dump).not.toContain(CANARY);
      expect(dump).not.toContain('Stored');
    });

    it('the same key with another body answers 422 IDEMPOTENCY_KEY_REUSED without calling Connect', async () => {
      await withKey('reuse-1', login('First body')).expect(201);
      f.sim.clearRequests();
      const res = await withKey('reuse-1', login('Second body')).expect(422);
      expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(connectCalls(f.sim)).toHaveLength(0);
      // ...and with the same body on another vault.
      expect((await f.post(`${f.base}/vaults/Engineering/items?by=title`, login('First body')).set('Idempotency-Key', 'reuse-1').expect(422)).body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('a duplicate sent while the first is still in flight answers 409 IDEMPOTENCY_REQUEST_IN_PROGRESS', async () => {
      f.sim.setFaults({ script: [{ method: 'POST', delayMs: 1500 }] });
      const slow = withKey('flight-1', login('In flight')).then((r) => r);
      // Once the key is claimed, the first create is on its way to (slow) Connect.
      for (let i = 0; i < 100; i++) {
        const rows = await adminQuery('SELECT 1 FROM idempotency_keys WHERE tenant_id = $1 AND idempotency_key = $2', [f.tenant.id, 'flight-1']);
        if (rows.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const duplicate = await withKey('flight-1', login('In flight')).expect(409);
      expect(duplicate.body.error.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
      const first = await slow;
      expect(first.status).toBe(201);
      expect((await withKey('flight-1', login('In flight')).expect(201)).body.id).toBe(first.body.id);
      expect(posts()).toHaveLength(1);
    });

    it('a create Connect refused frees the key: the retry calls Connect again', async () => {
      const body = login('Refused once', { fields: [{ type: 'DATE', label: 'expires', value: '2026-13-45' }] });
      await withKey('refused-1', body).expect(400);
      await withKey('refused-1', body).expect(400);
      expect(posts()).toHaveLength(2);
    });

    it('after a lost answer (connection reset after the write), the retry adopts the item instead of creating another', async () => {
      f.sim.setFaults({ script: [{ method: 'POST', reset: true }] });
      const lost = await withKey('lost-1', login('Lost answer'));
      expect(lost.status).toBe(503);
      expect(lost.body.error.code).toBe('CONNECT_UNAVAILABLE');
      const retry = await withKey('lost-1', login('Lost answer')).expect(201);
      expect(retry.body.title).toBe('Lost answer');
      expect(posts()).toHaveLength(1);
      expect((await f.get(`${items}?title=Lost%20answer`).expect(200)).body.data).toHaveLength(1);
      expect((await withKey('lost-1', login('Lost answer')).expect(201)).body.id).toBe(retry.body.id);
    });

    it('refuses a malformed key with 400', async () => {
      expect((await withKey('x'.repeat(256), login('k')).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
      expect((await withKey('has space', login('k')).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
      expect(connectCalls(f.sim)).toHaveLength(0);
    });
  });

  describe('PUT /items/:itemId (full replace, If-Match)', () => {
    it('replaces with If-Match at the current version; a stale If-Match answers 412 without writing', async () => {
      const created = (await f.post(items, login('To replace')).expect(201)).body;
      const replaced = await f.put(`${items}/${created.id}`, { title: 'Replaced', category: 'LOGIN', fields: [{ id: 'username', purpose: 'USERNAME', label: 'username', value: 'new' }] })
        .set('If-Match', '1').expect(200);
      expect(replaced.body).toMatchObject({ id: created.id, title: 'Replaced', version: 2 });
      expect(replaced.body.fields).toEqual([{ id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'new' }]);
      expect(replaced.body.tags).toBeUndefined();

      f.sim.clearRequests();
      const stale = await f.put(`${items}/${created.id}`, { title: 'Stale', category: 'LOGIN' }).set('If-Match', '"1"').expect(412);
      expect(stale.body.error).toMatchObject({ code: 'VERSION_MISMATCH', details: { expectedVersion: 1, currentVersion: 2 } });
      expect(connectCalls(f.sim, 'PUT')).toHaveLength(0);
    });

    it('accepts an item as read (read-only properties ignored) and keeps its files', async () => {
      const current = (await f.get(`${items}/${DB}`).expect(200)).body;
      const edited = { ...current, title: 'Database (edited)' };
      const res = await f.put(`${items}/${DB}`, edited).set('If-Match', String(current.version)).expect(200);
      expect(res.body).toMatchObject({ title: 'Database (edited)', version: current.version + 1 });
      expect(res.body.fields.map((field: { id: string }) => field.id)).toEqual(current.fields.map((field: { id: string }) => field.id));
      expect(res.body.files).toEqual([expect.objectContaining({ id: cid('filecert'), name: 'cert.pem' })]);
    });

    it('refuses an id in the body other than the path, a malformed If-Match, and an unknown item', async () => {
      expect((await f.put(`${items}/${DB}`, { id: cid('other'), title: 't', category: 'DATABASE' }).expect(400)).body.error.details.problems[0].property).toBe('id');
      expect((await f.put(`${items}/${DB}`, { title: 't', category: 'DATABASE' }).set('If-Match', 'soon').expect(400)).body.error.details.problems[0].property).toBe('If-Match');
      expect((await f.put(`${items}/${cid('noitem')}`, { title: 't', category: 'LOGIN' }).expect(404)).body.error.code).toBe('ITEM_NOT_FOUND');
      expect(connectCalls(f.sim, 'PUT')).toHaveLength(0);
    });
  });

  describe('PATCH /items/:itemId', () => {
    let itemUrl: string;
    beforeEach(async () => {
      const created = (await f.post(items, {
        title: 'Patched', category: 'SERVER',
        sections: [{ id: 'conn', label: 'Connection' }, { id: 'old', label: 'Old' }],
        fields: [
          { id: 'host', label: 'host', value: 'a.internal', section: { id: 'conn' } },
          { id: 'pw1', type: 'CONCEALED', label: 'password', value: 'p1', section: { id: 'conn' } },
          { id: 'pw2', type: 'CONCEALED', label: 'password', value: 'p2', section: { id: 'old' } },
          { id: 'apikey', type: 'CONCEALED', label: 'api key', value: 'k1' },
        ],
      }).expect(201)).body;
      itemUrl = `${items}/${created.id}`;
      f.sim.clearRequests();
    });
    const field = (item: { fields: { id: string }[] }, id: string) => item.fields.find((x) => x.id === id) as Record<string, unknown> | undefined;

    it('changes fields named by label (and section), compiled to operations on field ids', async () => {
      const res = await f.patch(itemUrl, { fields: [{ label: 'api key', value: 'k2' }, { label: 'password', section: 'Old', value: 'p2b' }], tags: ['rotated'] }).expect(200);
      expect(field(res.body, 'apikey')!.value).toBe('k2');
      expect(field(res.body, 'pw2')!.value).toBe('p2b');
      expect(field(res.body, 'pw1')!.value).toBe('p1');
      expect(res.body.tags).toEqual(['rotated']);
      expect(res.body.version).toBe(2);
      expect(connectCalls(f.sim, 'PATCH')).toHaveLength(1);
    });

    it('refuses null for a value, label, title, tags or favorite instead of clearing them (400, nothing written)', async () => {
      for (const body of [{ fields: [{ label: 'api key', value: null }] }, { fields: [{ id: 'apikey', newLabel: null }] }, { title: null }, { tags: null }, { favorite: null }, { operations: null }]) {
        const res = await f.patch(itemUrl, body).expect(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
      expect(connectCalls(f.sim, 'PATCH')).toHaveLength(0);
      const item = (await f.get(itemUrl).expect(200)).body;
      expect(field(item, 'apikey')).toMatchObject({ label: 'api key', value: 'k1' });
      expect(item.title).toBe('Patched');
    });

    it('an unknown label answers 400 FIELD_NOT_FOUND naming it; a shared label 400 FIELD_AMBIGUOUS; nothing is written', async () => {
      const unknown = await f.patch(itemUrl, { fields: [{ label: 'token', value: 'x' }] }).expect(400);
      expect(unknown.body.error).toMatchObject({ code: 'FIELD_NOT_FOUND', details: { property: 'fields.0', label: 'token' } });
      expect(unknown.body.error.message).toContain('"token"');
      const ambiguous = await f.patch(itemUrl, { fields: [{ label: 'password', value: 'x' }] }).expect(400);
      expect(ambiguous.body.error).toMatchObject({ code: 'FIELD_AMBIGUOUS', details: { label: 'password' } });
      expect(ambiguous.body.error.details.candidates).toEqual([{ id: 'pw1', label: 'password', section: 'Connection' }, { id: 'pw2', label: 'password', section: 'Old' }]);
      expect(JSON.stringify(ambiguous.body)).not.toContain('p1');
      const section = await f.patch(itemUrl, { fields: [{ label: 'password', section: 'Nope', value: 'x' }] }).expect(400);
      expect(section.body.error.code).toBe('FIELD_NOT_FOUND');
      expect(connectCalls(f.sim, 'PATCH')).toHaveLength(0);
    });

    it('regenerates, renames, removes and adds fields', async () => {
      const res = await f.patch(itemUrl, {
        fields: [
          { id: 'pw1', generate: true, recipe: { length: 12, characterSets: ['DIGITS'] } },
          { label: 'host', newLabel: 'hostname' },
          { label: 'password', section: 'old', remove: true },
          { label: 'port', section: 'Connection', value: '5432', createIfMissing: true },
        ],
      }).expect(200);
      expect(field(res.body, 'pw1')!.value).toMatch(/^\d{12}$/);
      expect(field(res.body, 'host')!.label).toBe('hostname');
      expect(field(res.body, 'pw2')).toBeUndefined();
      const port = res.body.fields.find((x: { label: string }) => x.label === 'port');
      expect(port).toMatchObject({ value: '5432', section: { id: 'conn' }, type: 'STRING' });
    });

    it('sends raw RFC 6902 operations, as a bare array or as { operations }', async () => {
      const bare = await f.patch(itemUrl, [{ op: 'replace', path: '/fields/apikey/value', value: 'raw' }, { op: 'replace', path: '/title', value: 'Raw' }]).expect(200);
      expect(field(bare.body, 'apikey')!.value).toBe('raw');
      expect(bare.body.title).toBe('Raw');
      const wrapped = await f.patch(itemUrl, { operations: [{ op: 'add', path: '/fields', value: { label: 'otp', type: 'TOTP', value: 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP' } }] }).expect(200);
      expect(wrapped.body.fields.find((x: { label: string }) => x.label === 'otp')).toMatchObject({ type: 'OTP', totp: expect.stringMatching(/^\d{6}$/) });
    });

    it.each([
      ['both forms', { operations: [], title: 'x' }],
      ['an empty object', {}],
      ['an unknown op', [{ op: 'move', path: '/title', from: '/x' }]],
      ['a path without a slash', [{ op: 'replace', path: 'title', value: 'x' }]],
      ['a field change without id or label', { fields: [{ value: 'x' }] }],
      ['a field change naming no change', { fields: [{ label: 'host' }] }],
      ['a string body', 'nope'],
      ['an array inside operations', { operations: [[]] }],
      ['an array inside a bare operations array', [[{ op: 'replace', path: '/title', value: 'x' }]]],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_l, body) => {
      const res = await f.patch(itemUrl, body).set('Content-Type', 'application/json').expect(400);
      expect(['VALIDATION_FAILED', 'MALFORMED_BODY']).toContain(res.body.error.code);
      expect(connectCalls(f.sim, 'PATCH')).toHaveLength(0);
    });

    it('takes RFC 6902 operations sent as application/json-patch+json', async () => {
      const ops = [{ op: 'replace', path: '/title', value: 'Patched (json-patch)' }];
      const res = await f.t.http().patch(itemUrl).set('Authorization', `Bearer ${f.operatorKey}`).set('Content-Type', 'application/json-patch+json').send(JSON.stringify(ops)).expect(200);
      expect(res.body.title).toBe('Patched (json-patch)');
      expect(connectCalls(f.sim, 'PATCH')).toHaveLength(1);
    });

    it('honours If-Match and maps Connect\'s refusal of a bad path to 400 CONNECT_BAD_REQUEST', async () => {
      expect((await f.patch(itemUrl, { title: 'x' }).set('If-Match', '7').expect(412)).body.error.code).toBe('VERSION_MISMATCH');
      await f.patch(itemUrl, [{ op: 'replace', path: '/title', value: 'ok' }]).set('If-Match', '1').expect(200);
      const bad = await f.patch(itemUrl, [{ op: 'replace', path: '/fields/nope/value', value: 'x' }]).expect(400);
      expect(bad.body.error.code).toBe('CONNECT_BAD_REQUEST');
    });
  });

  describe('DELETE /items/:itemId', () => {
    it('deletes with 204; the item is then gone (404), and deleting it again answers 404', async () => {
      const created = (await f.post(items, login('To delete')).expect(201)).body;
      await f.del(`${items}/${created.id}`).expect(204);
      expect((await f.get(`${items}/${created.id}`).expect(404)).body.error.code).toBe('ITEM_NOT_FOUND');
      expect((await f.del(`${items}/${created.id}`).expect(404)).body.error.code).toBe('ITEM_NOT_FOUND');
    });

    it('deletes by title, and refuses an auditor', async () => {
      await f.post(items, login('Delete by title')).expect(201);
      await f.del(`${f.base}/vaults/Engineering/items/Delete%20by%20title?by=title`, f.auditorKey).expect(403);
      await f.del(`${f.base}/vaults/Engineering/items/Delete%20by%20title?by=title`).expect(204);
    });

    it('answers 204 when Connect deleted the item but the answer was lost, and the audit record says so', async () => {
      const created = (await f.post(items, login('Delete, answer lost')).expect(201)).body;
      f.sim.clearRequests();
      f.sim.setFaults({ script: [{ method: 'DELETE', reset: true }] });
      await f.del(`${items}/${created.id}`).set('X-Request-Id', 'rest-delete-lost-1').expect(204);
      expect(connectCalls(f.sim, 'DELETE').map((r) => [r.status, r.fault])).toEqual([[204, 'reset'], [404, undefined]]);
      expect(f.sim.store.item(ENG, created.id)).toBeUndefined();
      await auditSettled(f.t.app);
      const [event] = (await f.get('/v1/audit-events?requestId=rest-delete-lost-1', f.auditorKey).expect(200)).body.data;
      expect(event).toMatchObject({ action: 'items.delete', outcome: 'success', httpStatus: 204, errorCode: null, outcomeDetails: { confirmedByRetry: true } });
    });

    it('honours If-Match: a stale version answers 412 and deletes nothing, the current one deletes', async () => {
      const created = (await f.post(items, login('Delete with If-Match')).expect(201)).body;
      const url = `${items}/${created.id}`;
      const stale = await f.del(url).set('If-Match', String(created.version + 1)).expect(412);
      expect(stale.body.error).toMatchObject({ code: 'VERSION_MISMATCH', details: { expectedVersion: created.version + 1, currentVersion: created.version } });
      expect(connectCalls(f.sim, 'DELETE')).toHaveLength(0);
      await f.get(url).expect(200);
      expect((await f.del(url).set('If-Match', 'soon').expect(400)).body.error.details.problems[0].property).toBe('If-Match');
      await f.del(url).set('If-Match', `"${created.version}"`).expect(204);
      await f.get(url).expect(404);
    });
  });

  it('no field value reaches a log line', () => {
    const logs = f.t.logs.text();
    for (const secret of [CANARY, 'db-secret', 'old-secret', 'JBSWY3DPEHPK3PXP']) expect(logs).not.toContain(secret);
  });
});
