import type { SimulatorSeed } from '../../src/connect-simulator/simulator-seed.types.js';
import { AUDIT_STORE } from '../../src/audit/audit.tokens.js';
import type { AuditStore } from '../../src/audit/audit-store.js';
import { ActionsFixture, cid, connectCalls, startFixture } from '../actions-rest/actions-fixture.js';
import { auditSettled } from '../audit/support/audit-kit.js';
import { run, runChecked, SchemaChecker } from './actions-kit.js';

const ENG = cid('vaulteng');
const SECRET = cid('vaultsecret');
const GH = cid('itemgithub');
const DB = cid('itemdb');
const DUP_A = cid('itemdupa');
const DUP_B = cid('itemdupb');
const CERT = cid('filecert');
const BIG = cid('filebig');
const CERT_BYTES = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('-----BEGIN CERTIFICATE-----\r\n')]);
const LIMIT = 10 * 1024 * 1024;
const CANARY = 'canary-value-5c1e';

const seed: SimulatorSeed = {
  vaults: [
    {
      id: ENG,
      name: 'Engineering',
      items: [
        {
          id: GH, title: 'GitHub', category: 'LOGIN', tags: ['dev'], urls: [{ href: 'https://github.com', primary: true }],
          fields: [
            { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'octocat' },
            { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'hunter2' },
            { id: cid('fieldotp'), type: 'OTP', label: 'one-time password', value: 'otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&period=60' },
          ],
        },
        {
          id: DB, title: 'Database', category: 'DATABASE', tags: ['prod'], sections: [{ id: 'conn', label: 'Connection' }],
          fields: [{ id: 'host', type: 'STRING', label: 'host', value: 'db.internal', section: { id: 'conn' } }],
          files: [
            { id: CERT, name: 'cert.pem', bytes: new Uint8Array(CERT_BYTES) },
            { id: BIG, name: 'dump.sql', generated: true as const, size: LIMIT + 1 },
          ],
        },
        { id: DUP_A, title: 'Duplicate', category: 'PASSWORD' },
        { id: DUP_B, title: 'Duplicate', category: 'PASSWORD' },
      ],
    },
    { id: SECRET, name: 'Secret', items: [] },
  ],
};

interface Item {
  id: string;
  title: string;
  version: number;
  vault: { id: string };
  tags?: string[];
  fields?: { id: string; label?: string; value?: string; type: string }[];
  [key: string]: unknown;
}

describe('Running Wrk actions (POST /v1/actions/{key}/run)', () => {
  let f: ActionsFixture;
  let schemas: SchemaChecker;
  const check = (key: string, input: Record<string, unknown>, options?: Parameters<typeof runChecked>[4]) => runChecked(f, schemas, key, input, options);

  beforeAll(async () => {
    f = await startFixture({ seed });
    schemas = await SchemaChecker.load(f);
  });
  afterAll(() => f?.close());
  beforeEach(() => {
    f.sim.resetFaults();
    f.sim.clearRequests();
  });

  describe('every action, through the same services as REST', () => {
    it('vaults.list: every vault, the same as the REST route with all=true', async () => {
      const output = (await check('vaults.list', {})) as { data: { id: string }[]; nextCursor: null };
      const rest = await f.get(`${f.base}/vaults?all=true`).expect(200);
      expect(output).toEqual(rest.body);
      expect(output.data.map((v) => v.id).sort()).toEqual([ENG, SECRET].sort());
      expect(((await check('vaults.list', { name: 'Secret' })) as { data: { id: string }[] }).data.map((v) => v.id)).toEqual([SECRET]);
    });

    it('vaults.get: by id and by name', async () => {
      const output = await check('vaults.get', { vaultId: ENG });
      expect(output).toEqual((await f.get(`${f.base}/vaults/${ENG}`).expect(200)).body);
      expect(await check('vaults.get', { vaultId: 'Engineering', by: 'title' })).toMatchObject({ id: ENG, name: 'Engineering' });
    });

    it('items.list: every item of the vault, filters applied', async () => {
      const output = (await check('items.list', { vaultId: ENG })) as { data: { id: string }[]; nextCursor: null };
      expect(output).toEqual((await f.get(`${f.base}/vaults/${ENG}/items?all=true`).expect(200)).body);
      expect(output.data).toHaveLength(4);
      expect(((await check('items.list', { vaultId: ENG, tag: 'prod' })) as { data: { id: string }[] }).data.map((i) => i.id)).toEqual([DB]);
    });

    it('items.get: the full item, OTP code included', async () => {
      const output = (await check('items.get', { vaultId: ENG, itemId: GH })) as Item;
      const rest = (await f.get(`${f.base}/vaults/${ENG}/items/${GH}`).expect(200)).body as Item;
      const withoutCodes = (item: Item) => ({ ...item, fields: item.fields?.map(({ totp: _totp, ...field }: Record<string, unknown>) => field) });
      expect(withoutCodes(output)).toEqual(withoutCodes(rest));
      expect(output.fields!.find((field) => field.type === 'OTP')).toMatchObject({ totp: expect.stringMatching(/^\d{6}$/) });
      expect(await check('items.get', { vaultId: 'Engineering', itemId: 'GitHub', by: 'title' })).toMatchObject({ id: GH });
    });

    it('items.otp: the current code and seconds remaining', async () => {
      const output = await check('items.otp', { vaultId: ENG, itemId: GH });
      expect(output).toMatchObject({ code: expect.stringMatching(/^\d{6}$/), fieldId: cid('fieldotp'), period: 60, secondsRemaining: expect.any(Number) });
    });

    it('items.create, items.replace, items.patch and items.delete: the write actions, one item through its life', async () => {
      const created = (await check('items.create', {
        vaultId: ENG,
        idempotencyKey: 'wf-run-1-step-1',
        item: {
          category: 'LOGIN', title: 'Created by a workflow', tags: ['wf'], sections: [{ id: 'extra', label: 'Extra' }],
          fields: [
            { purpose: 'USERNAME', label: 'username', value: 'app' },
            { purpose: 'PASSWORD', label: 'password', generate: true, recipe: { length: 24, characterSets: ['LETTERS', 'DIGITS'] } },
            { type: 'STRING', label: 'note', value: CANARY, section: { id: 'extra' } },
          ],
        },
      })) as Item;
      expect(created).toMatchObject({ title: 'Created by a workflow', vault: { id: ENG }, tags: ['wf'] });
      expect(created.fields!.find((field) => field.label === 'password')!.value).toMatch(/^[A-Za-z0-9]{24}$/);

      // A retried run with the same idempotency key returns the first item instead of creating another.
      const retried = (await check('items.create', {
        vaultId: ENG,
        idempotencyKey: 'wf-run-1-step-1',
        item: {
          category: 'LOGIN', title: 'Created by a workflow', tags: ['wf'], sections: [{ id: 'extra', label: 'Extra' }],
          fields: [
            { purpose: 'USERNAME', label: 'username', value: 'app' },
            { purpose: 'PASSWORD', label: 'password', generate: true, recipe: { length: 24, characterSets: ['LETTERS', 'DIGITS'] } },
            { type: 'STRING', label: 'note', value: CANARY, section: { id: 'extra' } },
          ],
        },
      })) as Item;
      expect(retried.id).toBe(created.id);
      expect(f.sim.store.items(ENG).filter((item) => item.title === 'Created by a workflow')).toHaveLength(1);

      // The full update takes the item as read, with If-Match as `ifMatch`.
      const read = (await check('items.get', { vaultId: ENG, itemId: created.id })) as Item;
      const replaced = (await check('items.replace', { vaultId: ENG, itemId: created.id, ifMatch: read.version, item: { ...read, title: 'Replaced by a workflow' } })) as Item;
      expect(replaced).toMatchObject({ id: created.id, title: 'Replaced by a workflow', version: read.version + 1 });
      const stale = await run(f, 'items.replace', { vaultId: ENG, itemId: created.id, ifMatch: read.version, item: { ...read, title: 'Stale' } }).expect(412);
      expect(stale.body.error).toMatchObject({ code: 'VERSION_MISMATCH', details: { expectedVersion: read.version, currentVersion: read.version + 1 } });

      const byLabel = (await check('items.patch', { vaultId: ENG, itemId: created.id, patch: { fields: [{ label: 'note', section: 'Extra', value: 'changed' }], tags: ['wf', 'patched'] } })) as Item;
      expect(byLabel.fields!.find((field) => field.label === 'note')!.value).toBe('changed');
      expect(byLabel.tags).toEqual(['wf', 'patched']);
      const byOp = (await check('items.patch', { vaultId: ENG, itemId: created.id, patch: { operations: [{ op: 'replace', path: '/title', value: 'Patched by a workflow' }] } })) as Item;
      expect(byOp.title).toBe('Patched by a workflow');
      const unknownLabel = await run(f, 'items.patch', { vaultId: ENG, itemId: created.id, patch: { fields: [{ label: 'no such field', value: 'x' }] } }).expect(400);
      expect(unknownLabel.body.error).toMatchObject({ code: 'FIELD_NOT_FOUND', details: { label: 'no such field' } });

      // `ifMatch` as for the full update: a stale version deletes nothing.
      const current = (await check('items.get', { vaultId: ENG, itemId: created.id })) as Item;
      const staleDelete = await run(f, 'items.delete', { vaultId: ENG, itemId: created.id, ifMatch: current.version - 1 }).expect(412);
      expect(staleDelete.body.error).toMatchObject({ code: 'VERSION_MISMATCH', details: { expectedVersion: current.version - 1, currentVersion: current.version } });
      expect(connectCalls(f.sim, 'DELETE')).toHaveLength(0);
      expect(await check('items.delete', { vaultId: ENG, itemId: created.id, ifMatch: current.version })).toBeNull();
      const gone = await run(f, 'items.get', { vaultId: ENG, itemId: created.id }).expect(404);
      expect(gone.body.error.code).toBe('ITEM_NOT_FOUND');
    });

    it('files.list and files.get: file metadata, content inline on request', async () => {
      const list = (await check('files.list', { vaultId: ENG, itemId: DB })) as { data: { id: string; name: string; contentUrl: string }[]; nextCursor: null };
      expect(list).toEqual((await f.get(`${f.base}/vaults/${ENG}/items/${DB}/files?all=true`).expect(200)).body);
      expect(list.data.map((file) => file.name)).toEqual(['cert.pem', 'dump.sql']);
      const one = await check('files.get', { vaultId: ENG, itemId: DB, fileId: CERT });
      expect(one).toMatchObject({ id: CERT, name: 'cert.pem', size: CERT_BYTES.length, contentUrl: `${f.base}/vaults/${ENG}/items/${DB}/files/${CERT}/content` });
      expect(await check('files.get', { vaultId: ENG, itemId: DB, fileId: CERT, inline: true })).toMatchObject({ content: CERT_BYTES.toString('base64') });
      expect(await check('files.get', { vaultId: 'Engineering', itemId: 'Database', fileId: 'cert.pem', by: 'title' })).toMatchObject({ id: CERT });
    });

    it('files.content: the bytes in base64, byte for byte', async () => {
      const output = (await check('files.content', { vaultId: ENG, itemId: DB, fileId: CERT })) as { content: string; size: number; name: string; encoding: string };
      expect(output).toMatchObject({ fileId: CERT, name: 'cert.pem', size: CERT_BYTES.length, encoding: 'base64' });
      expect(Buffer.from(output.content, 'base64').equals(CERT_BYTES)).toBe(true);
    });

    it('files.content: a file above 10 MiB answers 413 FILE_TOO_LARGE_FOR_ACTION pointing at the streaming REST route', async () => {
      const res = await run(f, 'files.content', { vaultId: ENG, itemId: DB, fileId: BIG }).expect(413);
      const contentUrl = `${f.base}/vaults/${ENG}/items/${DB}/files/${BIG}/content`;
      expect(res.body.error).toMatchObject({ code: 'FILE_TOO_LARGE_FOR_ACTION', details: { size: LIMIT + 1, limitBytes: LIMIT, contentUrl } });
      const byTitle = await run(f, 'files.content', { vaultId: 'Engineering', itemId: 'Database', fileId: 'dump.sql', by: 'title' }).expect(413);
      expect(byTitle.body.error.details.contentUrl).toBe(`${f.base}/vaults/Engineering/items/Database/files/dump.sql/content?by=title`);
      const streamed = await f.get(byTitle.body.error.details.contentUrl).expect(200);
      expect(Number(streamed.headers['content-length'])).toBe(LIMIT + 1);
    });

    it('connected-accounts.verify: checks the account (admin only, no input)', async () => {
      const output = await check('connected-accounts.verify', {}, { apiKey: f.tenant.adminKey });
      expect(output).toMatchObject({ ok: true, failedStep: null, reason: null, account: { id: f.accountId, status: 'verified' } });
      const res = await run(f, 'connected-accounts.verify', undefined, { apiKey: f.tenant.adminKey }).expect(200);
      expect(res.body.output.ok).toBe(true);
    });
  });

  describe('validation, roles, tenants and errors', () => {
    const expectProblem = (body: { error: { code: string; details: { problems: { property: string }[] } } }, property: string) => {
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.details.problems.map((p) => p.property)).toContain(property);
    };

    it('refuses bad input with 400 VALIDATION_FAILED naming the input property, before any Connect call', async () => {
      expectProblem((await run(f, 'items.get', { vaultId: ENG }).expect(400)).body, 'input.itemId');
      expectProblem((await run(f, 'items.get', { vaultId: 'not an id', itemId: GH }).expect(400)).body, 'input.vaultId');
      expectProblem((await run(f, 'items.get', { vaultId: ENG, itemId: GH, color: 'red' }).expect(400)).body, 'input.color');
      expectProblem((await run(f, 'items.list', { vaultId: ENG, limit: 0 }).expect(400)).body, 'input.limit');
      expectProblem((await run(f, 'items.list', { vaultId: ENG, cursor: 'forged' }).expect(400)).body, 'input.cursor');
      expectProblem((await run(f, 'items.create', { vaultId: ENG, item: { title: 'x', category: 'CUSTOM' } }).expect(400)).body, 'input.item.category');
      expectProblem((await run(f, 'items.create', { vaultId: ENG, item: { title: 'x', category: 'LOGIN', fields: [{ label: 'x', colour: 1 }] } }).expect(400)).body, 'input.item.fields.0.colour');
      expectProblem((await run(f, 'connected-accounts.verify', { force: true }, { apiKey: f.tenant.adminKey }).expect(400)).body, 'input.force');
      // The envelope: unknown properties, a missing or malformed account, an input that is not an object.
      expectProblem((await f.post('/v1/actions/items.get/run', { connectedAccountId: f.accountId, input: { vaultId: ENG, itemId: GH }, extra: 1 }).expect(400)).body, 'extra');
      expectProblem((await f.post('/v1/actions/items.get/run', { input: { vaultId: ENG, itemId: GH } }).expect(400)).body, 'connectedAccountId');
      expectProblem((await run(f, 'items.get', { vaultId: ENG, itemId: GH }, { accountId: 'not-a-uuid' }).expect(400)).body, 'connectedAccountId');
      expectProblem((await run(f, 'items.get', [ENG, GH]).expect(400)).body, 'input');
      // Null is not absent, and a lone surrogate is no text: both refused before anything uses them.
      expectProblem((await run(f, 'items.list', { vaultId: ENG, title: null }).expect(400)).body, 'input.title');
      expectProblem((await run(f, 'vaults.list', { name: null }).expect(400)).body, 'input.name');
      expectProblem((await run(f, 'items.create', { vaultId: ENG, item: { title: 'x', category: 'LOGIN' }, idempotencyKey: null }).expect(400)).body, 'input.idempotencyKey');
      expectProblem((await run(f, 'items.delete', { vaultId: ENG, itemId: GH, ifMatch: null }).expect(400)).body, 'input.ifMatch');
      expectProblem((await run(f, 'vaults.list', { name: 'x\udfff' }).expect(400)).body, 'input.name');
      expectProblem((await run(f, 'items.get', { vaultId: ENG, itemId: 'ab\ud800', by: 'title' }).expect(400)).body, 'input.itemId');
      expect(connectCalls(f.sim)).toHaveLength(0);
      // What the schema refuses, the service refuses: the inputs above fail the catalog schema too.
      expect(schemas.errors('items.get', 'input', { vaultId: ENG })).not.toEqual([]);
      expect(schemas.errors('items.get', 'input', { vaultId: ENG, itemId: GH, color: 'red' })).not.toEqual([]);
      expect(schemas.errors('items.list', 'input', { vaultId: ENG, limit: 0 })).not.toEqual([]);
    });

    it('takes the account id in any case as the same account: a retried create replays, it is not a reused key', async () => {
      const input = { vaultId: ENG, item: { title: 'case-replay', category: 'LOGIN' }, idempotencyKey: 'case-replay-1' };
      const first = (await run(f, 'items.create', input).expect(200)).body.output;
      const again = (await run(f, 'items.create', input, { accountId: f.accountId.toUpperCase() }).expect(200)).body.output;
      expect(again.id).toBe(first.id);
      expect(connectCalls(f.sim, 'POST')).toHaveLength(1);
    });

    it('refuses a role the action does not allow with 403 FORBIDDEN, before any Connect call', async () => {
      const operator = await run(f, 'connected-accounts.verify', {}).expect(403);
      expect(operator.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('admin') });
      for (const key of ['items.get', 'vaults.list', 'items.create', 'files.content']) {
        const auditor = await run(f, key, { vaultId: ENG, itemId: GH }, { apiKey: f.auditorKey }).expect(403);
        expect(auditor.body.error.code).toBe('FORBIDDEN');
      }
      await f.t.http().post('/v1/actions/items.get/run').send({ connectedAccountId: f.accountId, input: { vaultId: ENG, itemId: GH } }).expect(401);
      expect(connectCalls(f.sim)).toHaveLength(0);
      // The admin role runs the item actions too.
      await check('items.get', { vaultId: ENG, itemId: GH }, { apiKey: f.tenant.adminKey });
    });

    it('answers 404 ACTION_NOT_FOUND for an unknown key', async () => {
      for (const key of ['items.fetch', 'nope', 'items.get.extra', 'ITEMS.GET']) {
        const res = await run(f, key, { vaultId: ENG, itemId: GH }).expect(404);
        expect(res.body.error).toMatchObject({ code: 'ACTION_NOT_FOUND', details: { keys: expect.arrayContaining(['items.get', 'connected-accounts.verify']) } });
      }
      expect(connectCalls(f.sim)).toHaveLength(0);
    });

    it("answers 404 CONNECTED_ACCOUNT_NOT_FOUND for another tenant's account and an unknown one", async () => {
      const other = await f.t.createTenant();
      const res = await run(f, 'items.get', { vaultId: ENG, itemId: GH }, { apiKey: other.adminKey }).expect(404);
      expect(res.body.error.code).toBe('CONNECTED_ACCOUNT_NOT_FOUND');
      const verify = await run(f, 'connected-accounts.verify', {}, { apiKey: other.adminKey }).expect(404);
      expect(verify.body.error.code).toBe('CONNECTED_ACCOUNT_NOT_FOUND');
      await run(f, 'vaults.list', {}, { accountId: '00000000-0000-4000-8000-000000000000' }).expect(404);
      expect(connectCalls(f.sim)).toHaveLength(0);
    });

    it('answers the REST route\'s errors: token scope, ambiguous title, missing item, Connect down', async () => {
      const scoped = await f.connect(f.sim.createToken({ Engineering: ['read'] }));
      const outside = await run(f, 'vaults.get', { vaultId: SECRET }, { accountId: scoped }).expect(403);
      expect(outside.body.error).toMatchObject({ code: 'CONNECT_FORBIDDEN', details: { connectStatus: 403 } });
      const readOnly = await run(f, 'items.create', { vaultId: ENG, item: { title: 'x', category: 'LOGIN' } }, { accountId: scoped }).expect(403);
      expect(readOnly.body.error.code).toBe('CONNECT_FORBIDDEN');
      const ambiguous = await run(f, 'items.get', { vaultId: 'Engineering', itemId: 'Duplicate', by: 'title' }).expect(409);
      expect(ambiguous.body.error).toMatchObject({ code: 'AMBIGUOUS_TITLE' });
      expect(ambiguous.body.error.details.candidates.map((c: { id: string }) => c.id).sort()).toEqual([DUP_A, DUP_B].sort());
      const missing = await run(f, 'items.otp', { vaultId: ENG, itemId: cid('itemmissing') }).expect(404);
      expect(missing.body.error.code).toBe('ITEM_NOT_FOUND');
      const noOtp = await run(f, 'items.otp', { vaultId: ENG, itemId: DB }).expect(404);
      expect(noOtp.body.error.code).toBe('OTP_NOT_FOUND');
      f.sim.setFaults({ retryAfterSeconds: 0, script: [{ status: 503 }, { status: 503 }, { status: 503 }] });
      const down = await run(f, 'vaults.get', { vaultId: ENG }).expect(503);
      expect(down.body.error.code).toBe('CONNECT_UNAVAILABLE');
    });
  });

  describe('audit', () => {
    interface AuditEvent {
      action: string;
      outcome: string;
      method: string;
      path: string;
      readOnly: boolean;
      errorCode: string | null;
      resources: { connectedAccountId: string | null; vaultId: string | null; itemId: string | null; fileId: string | null; resourceId: string | null };
      summary: Record<string, unknown> | null;
      records: { type: string }[];
    }
    const eventOf = async (requestId: string): Promise<AuditEvent> => {
      await auditSettled(f.t.app);
      const res = await f.get(`/v1/audit-events?requestId=${requestId}`, f.auditorKey).expect(200);
      expect(res.body.data).toHaveLength(1);
      return res.body.data[0];
    };

    it('records a run under the action key, with the account, vault, item and file ids, like the REST route', async () => {
      await run(f, 'items.get', { vaultId: ENG, itemId: GH, by: 'id' }, { requestId: 'run-items-get-1' }).expect(200);
      const event = await eventOf('run-items-get-1');
      expect(event).toMatchObject({
        action: 'items.get', outcome: 'success', method: 'POST', path: '/v1/actions/items.get/run', readOnly: true,
        resources: { connectedAccountId: f.accountId, vaultId: ENG, itemId: GH, fileId: null },
        summary: { query: { by: 'id' } },
      });
      expect(event.records.map((r) => r.type)).toEqual(['request', 'response']);
      // The REST route's record, for comparison: same action, same resources, same summary.
      await f.get(`${f.base}/vaults/${ENG}/items/${GH}?by=id`).set('X-Request-Id', 'rest-items-get-1').expect(200);
      const rest = await eventOf('rest-items-get-1');
      expect(rest).toMatchObject({ action: event.action, readOnly: event.readOnly, resources: event.resources, summary: event.summary });

      // A percent-encoded key is decoded before routing: the action's own route, under its own key.
      await f.post('/v1/actions/items%2Eget/run', { connectedAccountId: f.accountId, input: { vaultId: ENG, itemId: GH } }).set('X-Request-Id', 'run-encoded-1').expect(200);
      expect(await eventOf('run-encoded-1')).toMatchObject({ action: 'items.get', resources: { itemId: GH } });

      await run(f, 'files.content', { vaultId: ENG, itemId: DB, fileId: CERT }, { requestId: 'run-files-content-1' }).expect(200);
      expect(await eventOf('run-files-content-1')).toMatchObject({ action: 'files.content', resources: { connectedAccountId: f.accountId, vaultId: ENG, itemId: DB, fileId: CERT } });
    });

    it('records the REST summary of a write (names, never values) and the all-pages mode of a list', async () => {
      await run(f, 'items.create', { vaultId: ENG, item: { category: 'LOGIN', title: 'Audited create', fields: [{ label: 'secret note', value: CANARY }] } }, { requestId: 'run-create-1' }).expect(200);
      const created = await eventOf('run-create-1');
      expect(created).toMatchObject({ action: 'items.create', readOnly: false, outcome: 'success', summary: { title: 'Audited create', category: 'LOGIN', fieldCount: 1, fields: [{ label: 'secret note' }] } });
      expect(JSON.stringify(created)).not.toContain(CANARY);
      await run(f, 'items.list', { vaultId: ENG }, { requestId: 'run-list-1' }).expect(200);
      expect(await eventOf('run-list-1')).toMatchObject({ action: 'items.list', summary: { query: { all: true } }, resources: { vaultId: ENG } });
      await run(f, 'items.list', { vaultId: ENG, limit: 2 }, { requestId: 'run-list-2' }).expect(200);
      expect(await eventOf('run-list-2')).toMatchObject({ action: 'items.list', summary: { query: { limit: 2 } } });
    });

    it('items.delete whose answer was lost: output null, and the outcome record says the retry confirmed it', async () => {
      const created = (await check('items.create', { vaultId: ENG, item: { category: 'PASSWORD', title: 'Run delete, answer lost' } })) as Item;
      f.sim.clearRequests();
      f.sim.setFaults({ script: [{ method: 'DELETE', reset: true }] });
      const res = await run(f, 'items.delete', { vaultId: ENG, itemId: created.id }, { requestId: 'run-delete-lost-1' }).expect(200);
      expect(res.body).toEqual({ output: null });
      expect(connectCalls(f.sim, 'DELETE').map((r) => r.status)).toEqual([204, 404]);
      expect(await eventOf('run-delete-lost-1')).toMatchObject({ action: 'items.delete', outcome: 'success', errorCode: null, outcomeDetails: { confirmedByRetry: true } });
    });

    it('records refused runs under the action key: denied, invalid, not found', async () => {
      await run(f, 'connected-accounts.verify', {}, { requestId: 'run-denied-1' }).expect(403);
      expect(await eventOf('run-denied-1')).toMatchObject({ action: 'connected-accounts.verify', outcome: 'denied', errorCode: 'FORBIDDEN', resources: { connectedAccountId: f.accountId } });
      await run(f, 'items.get', { vaultId: ENG }, { requestId: 'run-invalid-1' }).expect(400);
      expect(await eventOf('run-invalid-1')).toMatchObject({ action: 'items.get', outcome: 'invalid', errorCode: 'VALIDATION_FAILED', resources: { vaultId: ENG } });
      await run(f, 'items.fetch', { vaultId: ENG, itemId: GH }, { requestId: 'run-unknown-1' }).expect(404);
      expect(await eventOf('run-unknown-1')).toMatchObject({ action: 'actions.run', errorCode: 'ACTION_NOT_FOUND', resources: { resourceId: 'items.fetch', vaultId: ENG, itemId: GH } });
    });

    it('commits the request record before the Connect call: no audit, no run (503 AUDIT_UNAVAILABLE)', async () => {
      const store = f.t.app.get<AuditStore>(AUDIT_STORE);
      const diskFull = () => Object.assign(new Error('could not write to file "pg_wal": No space left on device'), { code: '53100' });
      const failing = [jest.spyOn(store, 'append').mockRejectedValue(diskFull()), jest.spyOn(store, 'appendLocked').mockRejectedValue(diskFull())];
      try {
        for (const [key, input] of [
          ['items.get', { vaultId: ENG, itemId: GH }],
          ['vaults.list', {}],
          ['items.create', { vaultId: ENG, item: { title: 'never', category: 'LOGIN' } }],
          ['files.content', { vaultId: ENG, itemId: DB, fileId: CERT }],
        ] as const) {
          const res = await run(f, key, input).expect(503);
          expect(res.body.error.code).toBe('AUDIT_UNAVAILABLE');
        }
        const verify = await run(f, 'connected-accounts.verify', {}, { apiKey: f.tenant.adminKey }).expect(503);
        expect(verify.body.error.code).toBe('AUDIT_UNAVAILABLE');
        expect(f.sim.requests()).toHaveLength(0);
      } finally {
        for (const spy of failing) spy.mockRestore();
      }
      await auditSettled(f.t.app);
      expect(f.sim.store.items(ENG).some((item) => item.title === 'never')).toBe(false);
    });
  });
});
