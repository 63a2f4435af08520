import type { SimulatorSeed } from '../../src/connect-simulator/simulator-seed.types.js';
import { createHmac } from 'node:crypto';
import { ActionsFixture, cid, connectCalls, startFixture } from './actions-fixture.js';

const ENG = cid('vaulteng');
const GH = cid('itemgithub');
const DB = cid('itemdb');
const DUP_A = cid('itemdupa');
const DUP_B = cid('itemdupb');
const SHARED_ACTIVE = cid('itemsharedactive');
const SHARED_ARCHIVED = cid('itemsharedarchived');
const FUTURE = cid('itemfuture');
const NOTE = cid('itemnote');
const OTP_SECRET = 'JBSWY3DPEHPK3PXP';
const PASSWORD = 'hunter2-canary-7f3a';

const seed: SimulatorSeed = {
  vaults: [
    {
      id: ENG,
      name: 'Engineering',
      items: [
        {
          id: GH, title: 'GitHub', category: 'LOGIN', tags: ['dev', 'scm'], urls: [{ href: 'https://github.com', primary: true }],
          fields: [
            { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'octocat' },
            { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: PASSWORD },
            { id: cid('fieldotp'), type: 'OTP', label: 'one-time password', value: `otpauth://totp/GitHub:octocat?secret=${OTP_SECRET}&period=60` },
          ],
        },
        {
          id: DB, title: 'Database', category: 'DATABASE', tags: ['prod'],
          sections: [{ id: 'conn', label: 'Connection' }, { id: 'old', label: 'Old' }],
          fields: [
            { id: 'host', type: 'STRING', label: 'host', value: 'db.internal', section: { id: 'conn' } },
            { id: 'password', type: 'CONCEALED', label: 'password', value: 'db-secret', section: { id: 'conn' } },
            { id: 'oldpw', type: 'CONCEALED', label: 'password', value: 'old-secret', section: { id: 'old' } },
            { id: 'passkey', type: 'PASSKEY', label: 'passkey', value: 'pk' },
          ],
        },
        { id: DUP_A, title: 'Duplicate', category: 'PASSWORD', tags: ['dev'] },
        { id: DUP_B, title: 'Duplicate', category: 'PASSWORD' },
        { id: SHARED_ACTIVE, title: 'Shared name', category: 'SERVER' },
        { id: SHARED_ARCHIVED, title: 'Shared name', category: 'SERVER', state: 'ARCHIVED' },
        { id: FUTURE, title: 'From the future', category: 'LOGIN' },
        { id: NOTE, title: "Ops' runbook", category: 'SECURE_NOTE', fields: [{ id: 'notesPlain', type: 'STRING', purpose: 'NOTES', label: 'notesPlain', value: 'restart it' }] },
      ],
    },
  ],
};

/** RFC 6238 SHA-1, 6 digits: computed here independently of the simulator and the service. */
function totp(secretBase32: string, epochMs: number, period: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(epochMs / 1000 / period)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

describe('Items, reading (REST)', () => {
  let f: ActionsFixture;
  let items: string;

  beforeAll(async () => {
    f = await startFixture({ seed });
    items = `${f.base}/vaults/${ENG}/items`;
    // A category newer than this service knows: written past the simulator's seed validation.
    const stored = f.sim.store.item(ENG, FUTURE)!;
    f.sim.store.replaceItem(stored, { title: stored.title, category: 'FUTURE_THING', urls: [], favorite: false, tags: [], sections: [], fields: [] }, 'seed');
  });
  afterAll(() => f?.close());
  beforeEach(() => {
    f.sim.resetFaults();
    f.sim.clearRequests();
  });

  describe('GET /items', () => {
    it('lists summaries ordered by title (case-insensitive) then id, unknown categories included', async () => {
      const res = await f.get(items).expect(200);
      expect(res.body.data.map((i: { id: string }) => i.id)).toEqual([DB, DUP_A, DUP_B, FUTURE, GH, NOTE, SHARED_ACTIVE, SHARED_ARCHIVED]);
      const future = res.body.data.find((i: { id: string }) => i.id === FUTURE);
      expect(future).toMatchObject({ category: 'FUTURE_THING', vault: { id: ENG }, version: 2 });
      const archived = res.body.data.find((i: { id: string }) => i.id === SHARED_ARCHIVED);
      expect(archived.state).toBe('ARCHIVED');
      expect(res.text).not.toContain(PASSWORD);
    });

    it('filters by title, titleContains, tag and category, combined', async () => {
      const ids = async (query: string) => (await f.get(`${items}?${query}`).expect(200)).body.data.map((i: { id: string }) => i.id);
      expect(await ids('title=Duplicate')).toEqual([DUP_A, DUP_B]);
      expect(await ids('titleContains=a')).toEqual([DB, DUP_A, DUP_B, SHARED_ACTIVE, SHARED_ARCHIVED]);
      expect(await ids('tag=dev')).toEqual([DUP_A, GH]);
      expect(await ids('tag=dev&category=LOGIN')).toEqual([GH]);
      expect(await ids('title=Duplicate&tag=dev')).toEqual([DUP_A]);
      expect(await ids(`titleContains=${encodeURIComponent("Ops' ")}`)).toEqual([NOTE]);
      expect(await ids('category=FUTURE_THING')).toEqual([FUTURE]);
    });

    it('pages with a cursor and reads the vault by name', async () => {
      const first = await f.get(`${f.base}/vaults/Engineering/items?by=title&limit=5`).expect(200);
      const second = await f.get(`${f.base}/vaults/Engineering/items?by=title&limit=5&cursor=${first.body.nextCursor}`).expect(200);
      expect([...first.body.data, ...second.body.data].map((i: { id: string }) => i.id)).toEqual([DB, DUP_A, DUP_B, FUTURE, GH, NOTE, SHARED_ACTIVE, SHARED_ARCHIVED]);
      expect(second.body.nextCursor).toBeNull();
    });

    it.each([
      ['a lower-case category', '?category=login', 'category'],
      ['limit=abc', '?limit=abc', 'limit'],
      ['an over-long titleContains', `?titleContains=${'x'.repeat(501)}`, 'titleContains'],
    ])('refuses %s with 400', async (_l, query, property) => {
      const res = await f.get(`${items}${query}`).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error.details)).toContain(property);
    });

    it('answers 404 VAULT_NOT_FOUND for an unknown vault', async () => {
      expect((await f.get(`${f.base}/vaults/${cid('novault')}/items`).expect(404)).body.error.code).toBe('VAULT_NOT_FOUND');
    });
  });

  describe('GET /items/:itemId', () => {
    it('returns the full item with fields, sections and the current totp of OTP fields', async () => {
      const before = Date.now();
      const res = await f.get(`${items}/${GH}`).expect(200);
      expect(res.body).toMatchObject({ id: GH, title: 'GitHub', category: 'LOGIN', vault: { id: ENG }, version: 1, tags: ['dev', 'scm'] });
      const otp = res.body.fields.find((field: { type: string }) => field.type === 'OTP');
      expect([totp(OTP_SECRET, before, 60), totp(OTP_SECRET, Date.now(), 60)]).toContain(otp.totp);
      expect(res.body.fields.find((field: { id: string }) => field.id === 'password').value).toBe(PASSWORD);
    });

    it('passes unknown field types through', async () => {
      const res = await f.get(`${items}/${DB}`).expect(200);
      expect(res.body.fields.find((field: { id: string }) => field.id === 'passkey')).toEqual({ id: 'passkey', type: 'PASSKEY', label: 'passkey', value: 'pk' });
      expect(res.body.sections).toEqual([{ id: 'conn', label: 'Connection' }, { id: 'old', label: 'Old' }]);
    });

    it('finds vault and item by title with ?by=title, preferring the active item over an archived namesake', async () => {
      expect((await f.get(`${f.base}/vaults/Engineering/items/GitHub?by=title`).expect(200)).body.id).toBe(GH);
      expect((await f.get(`${f.base}/vaults/Engineering/items/Shared%20name?by=title`).expect(200)).body.id).toBe(SHARED_ACTIVE);
      // by=title reads every id of the path as a title: a vault id is then a vault name nobody has.
      expect((await f.get(`${items}/${encodeURIComponent("Ops' runbook")}?by=title`).expect(404)).body.error.code).toBe('VAULT_NOT_FOUND');
      expect((await f.get(`${f.base}/vaults/Engineering/items/${encodeURIComponent("Ops' runbook")}?by=title`).expect(200)).body.id).toBe(NOTE);
    });

    it('answers 409 AMBIGUOUS_TITLE listing every candidate (id, vault, title, updatedAt), never picking one', async () => {
      const res = await f.get(`${f.base}/vaults/Engineering/items/Duplicate?by=title`).expect(409);
      expect(res.body.error.code).toBe('AMBIGUOUS_TITLE');
      expect(res.body.error.details.candidates).toEqual([
        { id: DUP_A, vaultId: ENG, title: 'Duplicate', updatedAt: expect.any(String) },
        { id: DUP_B, vaultId: ENG, title: 'Duplicate', updatedAt: expect.any(String) },
      ]);
    });

    it('answers 404 ITEM_NOT_FOUND for an unknown id or title', async () => {
      expect((await f.get(`${items}/${cid('noitem')}`).expect(404)).body.error.code).toBe('ITEM_NOT_FOUND');
      expect((await f.get(`${f.base}/vaults/Engineering/items/Nope?by=title`).expect(404)).body.error.code).toBe('ITEM_NOT_FOUND');
    });

    it('refuses a malformed item id with 400 before calling Connect', async () => {
      const res = await f.get(`${items}/GitHub`).expect(400);
      expect(res.body.error.details.problems[0].property).toBe('itemId');
      expect(connectCalls(f.sim)).toHaveLength(0);
    });
  });

  describe('GET /items/:itemId/otp', () => {
    it('returns the code, the seconds remaining of the otpauth period and the field id', async () => {
      const before = Date.now();
      const res = await f.get(`${items}/${GH}/otp`).expect(200);
      expect(res.body).toEqual({ code: expect.stringMatching(/^\d{6}$/), secondsRemaining: expect.any(Number), fieldId: cid('fieldotp'), label: 'one-time password', period: 60 });
      expect([totp(OTP_SECRET, before, 60), totp(OTP_SECRET, Date.now(), 60)]).toContain(res.body.code);
      expect(res.body.secondsRemaining).toBeGreaterThanOrEqual(1);
      expect(res.body.secondsRemaining).toBeLessThanOrEqual(60);
      const expected = 60 - (Math.floor(Date.now() / 1000) % 60);
      expect(Math.abs(res.body.secondsRemaining - expected) <= 1 || Math.abs(res.body.secondsRemaining - expected) >= 59).toBe(true);
    });

    it('works by title and answers 404 OTP_NOT_FOUND for an item without an OTP field', async () => {
      await f.get(`${f.base}/vaults/Engineering/items/GitHub/otp?by=title`).expect(200);
      const res = await f.get(`${items}/${DB}/otp`).expect(404);
      expect(res.body.error.code).toBe('OTP_NOT_FOUND');
    });
  });

  describe('errors of every read route', () => {
    const routes = () => [`${items}`, `${items}/${GH}`, `${items}/${GH}/otp`];

    it('refuse the auditor role with 403', async () => {
      for (const route of routes()) expect((await f.get(route, f.auditorKey).expect(403)).body.error.code).toBe('FORBIDDEN');
      expect(connectCalls(f.sim)).toHaveLength(0);
    });

    it("answer 404 for another tenant's account", async () => {
      const other = await f.t.createTenant();
      for (const route of routes()) expect((await f.get(route, other.adminKey).expect(404)).body.error.code).toBe('CONNECTED_ACCOUNT_NOT_FOUND');
    });

    it('answer 503 CONNECT_UNAVAILABLE after retries, and 403 CONNECT_FORBIDDEN outside the token scope', async () => {
      f.sim.setFaults({ retryAfterSeconds: 0, errorRate: 1, errorStatuses: [503] });
      for (const route of routes()) expect((await f.get(route).expect(503)).body.error.code).toBe('CONNECT_UNAVAILABLE');
      f.sim.resetFaults();
      const scoped = await f.connect(f.sim.createToken({}));
      for (const route of routes()) {
        const res = await f.get(route.replace(f.accountId, scoped)).expect(403);
        expect(res.body.error.code).toBe('CONNECT_FORBIDDEN');
      }
    });

    it('never log a field value', () => {
      const logs = f.t.logs.text();
      for (const secret of [PASSWORD, 'db-secret', OTP_SECRET, 'octocat']) expect(logs).not.toContain(secret);
    });
  });
});
