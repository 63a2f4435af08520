import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'supertest';
import { TestApp, TestTenant } from '../support/test-app.js';
import { cid, FAST_CONNECT_ENV } from './actions-fixture.js';

const VAULT = cid('vaultweird');
const GOOD = cid('itemgood');
const OTP_SECRET = 'JBSWY3DPEHPK3PXP';

/** Items the simulator could never send: the upstream answer of each is its body, as is. */
const MALFORMED: Record<string, unknown> = {
  [cid('itemnullfield')]: { id: cid('itemnullfield'), title: 'x', vault: { id: VAULT }, category: 'LOGIN', fields: [null, { id: 'username', type: 'STRING', value: 'u' }] },
  [cid('itemobjecttype')]: { id: cid('itemobjecttype'), title: 'x', vault: { id: VAULT }, category: 'LOGIN', fields: [{ id: 'otp', type: { a: 1 }, value: 'v' }] },
  [cid('itemobjectvalue')]: { id: cid('itemobjectvalue'), title: 'x', vault: { id: VAULT }, category: 'LOGIN', fields: [{ id: 'otp', type: 'OTP', value: { a: 1 } }] },
  [cid('itemnullfile')]: { id: cid('itemnullfile'), title: 'x', vault: { id: VAULT }, category: 'LOGIN', files: [null] },
  [cid('itemnotarray')]: { id: 123, title: { a: 1 }, fields: 'notarray' },
  [cid('itemfilesstring')]: { id: cid('itemfilesstring'), title: 'x', vault: { id: VAULT }, category: 'LOGIN', files: 'f' },
  [cid('itemarray')]: [],
};

const GOOD_ITEM = {
  id: GOOD, title: 'Good', vault: { id: VAULT }, category: 'LOGIN',
  fields: [{ id: 'otp', type: 'OTP', label: 'one-time password', value: `otpauth://totp/x?secret=${OTP_SECRET}` }],
  files: [{ id: cid('filegood'), name: 'a.txt', size: 1, content_path: `/v1/vaults/${VAULT}/items/${GOOD}/files/${cid('filegood')}/content` }],
};

/**
 * Just enough of Connect for account verification (heartbeat, health, vaults) and a vault, then the items above; an item's
 * `/files` answers the good item's files, and a list with a null entry for every malformed item.
 */
function fakeConnect(): Promise<{ url: string; close: () => Promise<void> }> {
  const json = (res: http.ServerResponse, body: unknown) =>
    res.writeHead(200, { 'Content-Type': 'application/json', '1Password-Connect-Version': '1.7.3' }).end(JSON.stringify(body));
  const server = http.createServer((req, res) => {
    const path = req.url ?? '';
    const item = new RegExp(`^/v1/vaults/${VAULT}/items/([a-z0-9]{26})(/files)?$`).exec(path);
    if (path === '/heartbeat') res.writeHead(200, { 'Content-Type': 'text/plain', '1Password-Connect-Version': '1.7.3' }).end('.');
    else if (path === '/health') json(res, { name: '1Password Connect API', version: '1.7.3', dependencies: [{ service: 'sync', status: 'ACTIVE' }] });
    else if (path === '/v1/vaults') json(res, [{ id: VAULT, name: 'Weird' }]);
    else if (path === `/v1/vaults/${VAULT}`) json(res, { id: VAULT, name: 'Weird', contentVersion: 1, items: 2 });
    else if (path === `/v1/vaults/${VAULT}/items`) json(res, [{ id: GOOD, title: 'Good', vault: { id: VAULT }, category: 'LOGIN' }, { id: 42, title: ['x'] }]);
    else if (item && item[1] === GOOD) json(res, item[2] ? GOOD_ITEM.files : GOOD_ITEM);
    else if (item && item[1] in MALFORMED) json(res, item[2] ? [null] : MALFORMED[item[1]]);
    else res.writeHead(404, { 'Content-Type': 'application/json', '1Password-Connect-Version': '1.7.3' }).end('{"status":404,"message":"item not found"}');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

describe('an upstream answer not shaped like Connect is 502 CONNECT_NOT_A_CONNECT_SERVER, never a 500 or a pass-through', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let upstream: { url: string; close: () => Promise<void> };
  let base: string;
  const get = (path: string): Test => t.http().get(path).set('Authorization', `Bearer ${tenant.adminKey}`);

  beforeAll(async () => {
    upstream = await fakeConnect();
    t = await TestApp.start({ ...FAST_CONNECT_ENV, CONNECT_BREAKER_THRESHOLD: '1000' });
    tenant = await t.createTenant();
    const res = await t.http().post('/v1/connected-accounts').set('Authorization', `Bearer ${tenant.adminKey}`)
      .send({ name: 'weird', connectServerUrl: upstream.url, connectToken: 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln' });
    expect(res.status).toBe(201);
    base = `/v1/connected-accounts/${res.body.id}/vaults/${VAULT}/items`;
  });
  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  it('serves a well-formed item, its OTP and its files (the fake server is Connect enough)', async () => {
    const item = await get(`${base}/${GOOD}`).expect(200);
    expect(item.body.files[0].contentUrl).toContain(cid('filegood'));
    expect((await get(`${base}/${GOOD}/otp`).expect(200)).body.code).toMatch(/^\d{6}$/);
    expect((await get(`${base}/${GOOD}/files`).expect(200)).body.data).toHaveLength(1);
  });

  it.each(Object.keys(MALFORMED))('item %s: details and OTP', async (id) => {
    for (const path of [`${base}/${id}`, `${base}/${id}/otp`]) {
      const res = await get(path);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 502, code: 'CONNECT_NOT_A_CONNECT_SERVER' });
      expect(res.body.error.message).toMatch(/^The server does not answer like a 1Password Connect server: expected an item/);
    }
  });

  it('a file list with a null entry, and an item list with a numeric id', async () => {
    const files = await get(`${base}/${cid('itemnullfile')}/files`).expect(502);
    expect(files.body.error.code).toBe('CONNECT_NOT_A_CONNECT_SERVER');
    const items = await get(base).expect(502);
    expect(items.body.error.code).toBe('CONNECT_NOT_A_CONNECT_SERVER');
  });
});
