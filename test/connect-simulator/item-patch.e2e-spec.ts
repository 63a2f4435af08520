import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import { CONNECT_ID, connectClient } from './connect-client.helper.js';

// PATCH per connect-api.md §6: RFC 6902 add/remove/replace, fields addressed by id, "/" as a whole-item replace.
const VAULT = 'patchvault0000000000000001';

describe('Connect simulator: PATCH', () => {
  let sim: ConnectSimulator;
  let api: ReturnType<typeof connectClient>;
  let itemId: string;
  const path = () => `/v1/vaults/${VAULT}/items/${itemId}`;
  const patch = (ops: unknown) => api.patch(path(), ops);

  beforeAll(async () => {
    sim = await ConnectSimulator.start({
      seed: {
        tokens: [{ token: 'reader', vaults: { [VAULT]: ['read'] } }, { token: 'writer', vaults: { [VAULT]: ['write'] } }],
        vaults: [{ id: VAULT, name: 'Patch' }],
      },
    });
    api = connectClient(sim);
  });
  afterAll(() => sim.stop());

  beforeEach(async () => {
    const created = await api.post(`/v1/vaults/${VAULT}/items`, {
      title: 'Patch me',
      category: 'LOGIN',
      tags: ['a', 'b', 'c'],
      urls: [{ href: 'https://one' }],
      sections: [{ id: 'sec', label: 'Section' }],
      fields: [
        { type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'user' },
        { type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'old-password' },
        { id: 'api', type: 'STRING', label: 'api', value: 'key', section: { id: 'sec' } },
      ],
    });
    itemId = created.body.id;
  });

  it('replaces top-level attributes and bumps the version once per request', async () => {
    const res = await patch([
      { op: 'replace', path: '/title', value: 'Patched' },
      { op: 'replace', path: '/favorite', value: true },
      { op: 'replace', path: '/tags', value: ['x'] },
      { op: 'add', path: '/urls', value: [{ href: 'https://two', primary: true }] },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'Patched', favorite: true, tags: ['x'], urls: [{ href: 'https://two', primary: true }], version: 2 });
    expect(sim.store.item(VAULT, itemId)!.version).toBe(2);
  });

  it('adds, replaces and removes array elements by index (/tags/1)', async () => {
    expect((await patch([{ op: 'replace', path: '/tags/1', value: 'B' }])).body.tags).toEqual(['a', 'B', 'c']);
    expect((await patch([{ op: 'add', path: '/tags/1', value: 'new' }])).body.tags).toEqual(['a', 'new', 'B', 'c']);
    expect((await patch([{ op: 'add', path: '/tags/-', value: 'end' }])).body.tags).toEqual(['a', 'new', 'B', 'c', 'end']);
    expect((await patch([{ op: 'remove', path: '/tags/0' }])).body.tags).toEqual(['new', 'B', 'c', 'end']);
    expect((await patch([{ op: 'replace', path: '/tags/9', value: 'x' }])).status).toBe(400);
  });

  it('adds a field with /fields and assigns its id', async () => {
    const res = await patch([{ op: 'add', path: '/fields', value: { type: 'STRING', label: 'added', value: 'v' } }]);
    expect(res.status).toBe(200);
    const added = res.body.fields.find((f: { label: string }) => f.label === 'added');
    expect(added).toEqual({ id: expect.stringMatching(CONNECT_ID), type: 'STRING', label: 'added', value: 'v' });
    expect(res.body.fields).toHaveLength(4);
  });

  it('appends a field with RFC 6902\'s /fields/- and assigns its id', async () => {
    const res = await patch([{ op: 'add', path: '/fields/-', value: { type: 'STRING', label: 'appended', value: 'v' } }]);
    expect(res.status).toBe(200);
    expect(res.body.fields.at(-1)).toEqual({ id: expect.stringMatching(CONNECT_ID), type: 'STRING', label: 'appended', value: 'v' });
  });

  it('adds a generated password field through /fields', async () => {
    const res = await api.post(`/v1/vaults/${VAULT}/items`, { title: 'no password', category: 'SERVER' });
    itemId = res.body.id;
    const patched = await patch([
      { op: 'add', path: '/fields', value: { type: 'CONCEALED', purpose: 'PASSWORD', generate: true, recipe: { length: 40, characterSets: ['DIGITS'] } } },
    ]);
    const field = patched.body.fields[0];
    expect(field).toMatchObject({ id: 'password', value: expect.stringMatching(/^\d{40}$/), entropy: expect.any(Number) });
    expect(field.generate).toBeUndefined();
    expect(field.recipe).toBeUndefined();
  });

  it('replaces and removes whole fields addressed by id', async () => {
    const replaced = await patch([{ op: 'replace', path: '/fields/api', value: { type: 'CONCEALED', label: 'api key', value: 'new' } }]);
    expect(replaced.body.fields.find((f: { id: string }) => f.id === 'api')).toEqual({ id: 'api', type: 'CONCEALED', label: 'api key', value: 'new' });
    const removed = await patch([{ op: 'remove', path: '/fields/api' }]);
    expect(removed.body.fields.map((f: { id: string }) => f.id)).toEqual(['username', 'password']);
  });

  it('replaces a field on add to an existing /fields/{id} (RFC 6902 §4.1 object member)', async () => {
    const res = await patch([{ op: 'add', path: '/fields/api', value: { type: 'CONCEALED', label: 'api key', value: 'new' } }]);
    expect(res.status).toBe(200);
    expect(res.body.fields.map((f: { id: string }) => f.id)).toEqual(['username', 'password', 'api']);
    expect(res.body.fields[2]).toEqual({ id: 'api', type: 'CONCEALED', label: 'api key', value: 'new' });
  });

  it('adds, replaces and removes field attributes (/fields/{id}/{attr})', async () => {
    const res = await patch([
      { op: 'replace', path: '/fields/password/value', value: 'new-password' },
      { op: 'add', path: '/fields/username/label', value: 'login name' },
      { op: 'remove', path: '/fields/api/section' },
    ]);
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.fields.map((f: { id: string }) => [f.id, f]));
    expect(byId.password.value).toBe('new-password');
    expect(byId.username.label).toBe('login name');
    expect(byId.api.section).toBeUndefined();
  });

  it('answers 400 "The item doesn\'t have a {field} field." for an unknown field id', async () => {
    for (const op of [
      { op: 'replace', path: '/fields/ghost/value', value: 'x' },
      { op: 'remove', path: '/fields/ghost' },
      { op: 'replace', path: '/fields/ghost', value: { type: 'STRING' } },
    ]) {
      expect((await patch([op])).body).toEqual({ status: 400, message: "The item doesn't have a ghost field." });
    }
    // Fields are addressed by id, not index.
    expect((await patch([{ op: 'replace', path: '/fields/0/value', value: 'x' }])).status).toBe(400);
  });

  it('replaces the whole item with "/"', async () => {
    const res = await patch([{ op: 'replace', path: '/', value: { title: 'Whole', category: 'LOGIN', fields: [{ type: 'STRING', label: 'only' }] } }]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: itemId, title: 'Whole', version: 2 });
    expect(res.body.tags).toBeUndefined();
    expect(res.body.fields).toHaveLength(1);
  });

  it('leaves the item unchanged, without a version bump, for an empty operation list', async () => {
    const before = sim.store.item(VAULT, itemId)!;
    const res = await patch([]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: before.version, updatedAt: before.updatedAt, title: 'Patch me' });
  });

  it('rejects bodies that are not an operation array, unsupported ops and bad paths with 400', async () => {
    const bad: unknown[] = [
      { op: 'replace', path: '/title', value: 'x' },
      [{ op: 'move', from: '/title', path: '/tags/0' }],
      [{ op: 'copy', from: '/title', path: '/tags/0' }],
      [{ op: 'test', path: '/title', value: 'Patch me' }],
      [{ op: 'replace', path: 'title', value: 'x' }],
      [{ op: 'replace', path: '/title' }],
      [{ op: 'remove', path: '/' }],
      [{ op: 'remove', path: '/nothing' }],
      [{ op: 'replace', path: '/urls/5/href', value: 'x' }],
      [{ op: 'replace', path: '/category', value: 'NOPE' }],
      [{ op: 'replace', path: '/id', value: 'b'.repeat(26) }],
      [{ op: 'add', path: '/fields', value: { type: 'CONCEALED', purpose: 'PASSWORD', value: 'second' } }],
      [{ op: 'replace', path: '/fields/api/type', value: 'TOTP' }],
    ];
    for (const body of bad) {
      const res = await patch(body);
      expect([body, res.status, res.body.status]).toEqual([body, 400, 400]);
    }
    expect(sim.store.item(VAULT, itemId)!.version).toBe(1);
  });

  it('needs read and write permission', async () => {
    const op = [{ op: 'replace', path: '/title', value: 'x' }];
    expect((await connectClient(sim, 'reader').patch(path(), op)).status).toBe(403);
    // A write-only token can no longer read items through PATCH (CL 1.7.1).
    expect((await connectClient(sim, 'writer').patch(path(), op)).status).toBe(403);
  });

  it('answers 404 for unknown items', async () => {
    const missing = 'n'.repeat(26);
    expect((await api.patch(`/v1/vaults/${VAULT}/items/${missing}`, [])).body).toEqual({ status: 404, message: `item ${missing} not found` });
  });
});
