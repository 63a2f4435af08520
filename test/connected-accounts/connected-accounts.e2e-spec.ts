import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import { ConnectClientRegistry } from '../../src/connected-accounts/connect-client.registry.js';
import { TestApp, TestTenant } from '../support/test-app.js';
import { closedPortUrl, FAST_CONNECT_ENV, fakeConnectServer, htmlServer, selfSignedHttpsServer, tokenForms, type TestServer } from './helpers.js';

describe('connected accounts API', () => {
  let t: TestApp;
  let sim: ConnectSimulator;
  let otherSim: ConnectSimulator;
  let html: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let operatorKey: string;
  let auditorKey: string;
  /** Every token sent in this file: none may appear in a response body or a log line. */
  const tokens: string[] = [];
  const bodies: string[] = [];

  const token = (t: string) => {
    tokens.push(t);
    return t;
  };
  const record = (res: Response) => {
    bodies.push(JSON.stringify(res.headers), res.text);
    return res;
  };
  const as = (key: string) => ({
    post: (path: string, body?: object) => t.http().post(path).set('Authorization', `Bearer ${key}`).send(body).then(record),
    get: (path: string) => t.http().get(path).set('Authorization', `Bearer ${key}`).then(record),
    patch: (path: string, body: object) => t.http().patch(path).set('Authorization', `Bearer ${key}`).send(body).then(record),
    delete: (path: string) => t.http().delete(path).set('Authorization', `Bearer ${key}`).then(record),
  });
  const admin = () => as(tenant.adminKey);
  const uniqueName = (prefix = 'acct') => `${prefix}-${randomBytes(4).toString('hex')}`;

  const create = async (overrides: Partial<{ name: string; connectServerUrl: string; connectToken: string }> = {}) => {
    const res = await admin().post('/v1/connected-accounts', {
      name: uniqueName(),
      connectServerUrl: sim.url,
      connectToken: token(sim.defaultToken()),
      ...overrides,
    });
    return res;
  };

  beforeAll(async () => {
    sim = await ConnectSimulator.start({ port: 0 });
    otherSim = await ConnectSimulator.start({ port: 0 });
    html = await htmlServer();
    t = await TestApp.start(FAST_CONNECT_ENV);
    tenant = await t.createTenant();
    other = await t.createTenant();
    operatorKey = (await t.createKey(tenant, 'operator')).key;
    auditorKey = (await t.createKey(tenant, 'auditor')).key;
  });
  afterEach(() => sim.resetFaults());
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
    await otherSim?.stop();
    await html?.close();
  });

  describe('create', () => {
    it('verifies, stores and returns the account without its token', async () => {
      const connectToken = token(sim.createToken({ Engineering: ['read', 'write'], Marketing: ['read'] }));
      const name = uniqueName();
      const res = await create({ name, connectServerUrl: `${sim.url}/`, connectToken });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name,
        connectServerUrl: sim.url,
        status: 'verified',
        serverVersion: '1.7.3',
        configVersion: 1,
        lastVerificationErrorCode: null,
        tokenFingerprint: { last4: connectToken.slice(-4), sha256Prefix: expect.stringMatching(/^[0-9a-f]{12}$/) },
      });
      expect(res.body.lastVerifiedAt).toEqual(expect.any(String));
      const vaults = Object.fromEntries(res.body.vaults.map((v: { name: string }) => [v.name, v]));
      expect(vaults.Engineering).toMatchObject({ id: expect.stringMatching(/^[a-z0-9]{26}$/), read: true, write: true });
      expect(vaults.Marketing).toMatchObject({ read: true, write: false });
      expect(vaults.Private).toBeUndefined();
      expect(res.text).not.toContain(connectToken);
      expect(Object.keys(res.body)).not.toContain('connectToken');
    });

    it('refuses a taken name with 409 before calling Connect', async () => {
      const name = uniqueName();
      await create({ name }).then((r) => expect(r.status).toBe(201));
      sim.clearRequests();
      const res = await create({ name });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONNECTED_ACCOUNT_NAME_TAKEN');
      expect(sim.requests()).toHaveLength(0);
    });

    it.each([
      ['an ftp URL', { connectServerUrl: 'ftp://connect.example.com' }, 'connectServerUrl'],
      ['credentials in the URL', { connectServerUrl: 'https://user:pass@connect.example.com' }, 'connectServerUrl'],
      ['a query in the URL', { connectServerUrl: 'https://connect.example.com/?x=1' }, 'connectServerUrl'],
      ['a relative URL', { connectServerUrl: '/v1' }, 'connectServerUrl'],
      ['an over-long URL', { connectServerUrl: `https://connect.example.com/${'a'.repeat(2100)}` }, 'connectServerUrl'],
      ['a token with whitespace', { connectToken: 'eyJabc def.ghi' }, 'connectToken'],
      ['a token with a newline', { connectToken: 'eyJabc\r\nX-Evil: 1' }, 'connectToken'],
      ['an over-long token', { connectToken: `eyJ${'A'.repeat(4100)}` }, 'connectToken'],
      ['an empty token', { connectToken: '' }, 'connectToken'],
      ['an empty name', { name: '' }, 'name'],
    ])('refuses %s with 400, never echoing the value', async (_label, body, property) => {
      const bad = { name: uniqueName(), connectServerUrl: sim.url, connectToken: sim.defaultToken(), ...body };
      if ('connectToken' in body) tokens.push(body.connectToken as string);
      const res = await admin().post('/v1/connected-accounts', bad);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error.details)).toContain(property);
      const value = Object.values(body)[0] as string;
      if (value.length > 0) expect(res.text).not.toContain(value.slice(0, 40));
    });

    it('refuses a URL over 2048 characters once percent-encoded with 400, on create and on update', async () => {
      const fake = await fakeConnectServer();
      try {
        // 1023 characters as sent, over 6000 once each é becomes %C3%A9.
        const long = `${fake.url}/${'é'.repeat(1000)}`;
        const created = await create({ connectServerUrl: long });
        expect(created.status).toBe(400);
        expect(created.body.error.code).toBe('VALIDATION_FAILED');
        expect(JSON.stringify(created.body.error.details)).toContain('connectServerUrl');
        const a = (await create()).body;
        const updated = await admin().patch(`/v1/connected-accounts/${a.id}`, { connectServerUrl: long, connectToken: token(sim.defaultToken()) });
        expect(updated.status).toBe(400);
        expect(updated.body.error.code).toBe('VALIDATION_FAILED');
        expect(fake.authorizations).toEqual([]);
      } finally {
        await fake.close();
      }
    });

    it('refuses unknown properties', async () => {
      const res = await admin().post('/v1/connected-accounts', { name: uniqueName(), connectServerUrl: sim.url, connectToken: sim.defaultToken(), isAdmin: true });
      expect(res.status).toBe(400);
    });
  });

  describe('verification failures are named: 422 CONNECT_VERIFICATION_FAILED with details.reason', () => {
    const expectFailure = async (res: Response, reason: string, step: string) => {
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('CONNECT_VERIFICATION_FAILED');
      expect(res.body.error.details).toMatchObject({ reason, step });
    };

    it('unreachable (nothing listens on the port) → CONNECT_UNREACHABLE', async () => {
      await expectFailure(await create({ connectServerUrl: await closedPortUrl() }), 'CONNECT_UNREACHABLE', 'heartbeat');
    });

    it('not a Connect server (an HTML web server) → CONNECT_NOT_A_CONNECT_SERVER', async () => {
      await expectFailure(await create({ connectServerUrl: html.url }), 'CONNECT_NOT_A_CONNECT_SERVER', 'heartbeat');
    });

    it('token rejected (signed by another Connect server) → CONNECT_TOKEN_REJECTED', async () => {
      const res = await create({ connectToken: token(otherSim.defaultToken()) });
      await expectFailure(res, 'CONNECT_TOKEN_REJECTED', 'vaults');
      expect(res.body.error.details.connectStatus).toBe(401);
    });

    it('token that is not a JWT at all → CONNECT_TOKEN_REJECTED', async () => {
      await expectFailure(await create({ connectToken: token(`not-a-jwt-${randomBytes(16).toString('hex')}`) }), 'CONNECT_TOKEN_REJECTED', 'vaults');
    });

    it('sync not ready (/health reports sync TOKEN_NEEDED) → CONNECT_SYNC_NOT_READY', async () => {
      sim.setFaults({ syncReady: false });
      await expectFailure(await create(), 'CONNECT_SYNC_NOT_READY', 'health');
    });

    it('Connect too slow to answer /v1/vaults → CONNECT_TIMEOUT', async () => {
      sim.setFaults({ latencyMs: 2500 });
      await expectFailure(await create(), 'CONNECT_TIMEOUT', 'vaults');
    });

    it('TLS: an https URL on a plain-http server → CONNECT_TLS_ERROR', async () => {
      await expectFailure(await create({ connectServerUrl: sim.url.replace('http:', 'https:') }), 'CONNECT_TLS_ERROR', 'heartbeat');
    });

    it('TLS: a self-signed certificate (generated now) → CONNECT_TLS_ERROR', async () => {
      const started = selfSignedHttpsServer();
      if (!started) {
        // openssl is not installed: the https-on-http case above still covers the TLS code path.
        console.warn('openssl not found: self-signed TLS case skipped');
        return;
      }
      const tls = await started;
      try {
        const res = await create({ connectServerUrl: tls.url });
        await expectFailure(res, 'CONNECT_TLS_ERROR', 'heartbeat');
        expect(res.body.error.details.networkError).toMatch(/SELF_SIGNED|CERT/);
      } finally {
        await tls.close();
      }
    });

    it('stores nothing when verification fails', async () => {
      const name = uniqueName('failed');
      await create({ name, connectServerUrl: html.url });
      const list = await admin().get('/v1/connected-accounts?limit=500');
      expect(list.body.data.map((a: { name: string }) => a.name)).not.toContain(name);
    });
  });

  describe('read, update, delete', () => {
    it('lists newest first with a cursor', async () => {
      const names = [uniqueName('page'), uniqueName('page'), uniqueName('page')];
      for (const name of names) expect((await create({ name })).status).toBe(201);
      const first = await admin().get('/v1/connected-accounts?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.data.map((a: { name: string }) => a.name)).toEqual([names[2], names[1]]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await admin().get(`/v1/connected-accounts?limit=1&cursor=${first.body.nextCursor}`);
      expect(second.body.data[0].name).toBe(names[0]);
    });

    it('gets one by id; unknown id → 404 CONNECTED_ACCOUNT_NOT_FOUND; non-uuid → 400', async () => {
      const created = (await create()).body;
      const got = await admin().get(`/v1/connected-accounts/${created.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(created);
      const missing = await admin().get('/v1/connected-accounts/00000000-0000-4000-8000-000000000000');
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('CONNECTED_ACCOUNT_NOT_FOUND');
      expect((await admin().get('/v1/connected-accounts/nope')).status).toBe(400);
    });

    it('renames without calling Connect; the new name must be free', async () => {
      const a = (await create()).body;
      const b = (await create()).body;
      sim.clearRequests();
      const newName = uniqueName('renamed');
      const renamed = await admin().patch(`/v1/connected-accounts/${a.id}`, { name: newName });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: newName, configVersion: 2, tokenFingerprint: a.tokenFingerprint });
      expect(sim.requests()).toHaveLength(0);
      const clash = await admin().patch(`/v1/connected-accounts/${a.id}`, { name: b.name });
      expect(clash.status).toBe(409);
      expect(clash.body.error.code).toBe('CONNECTED_ACCOUNT_NAME_TAKEN');
    });

    it('an empty PATCH changes nothing', async () => {
      const a = (await create()).body;
      const res = await admin().patch(`/v1/connected-accounts/${a.id}`, {});
      expect(res.status).toBe(200);
      expect(res.body.configVersion).toBe(1);
    });

    it('token rotation: a rejected new token leaves the old one in place and working', async () => {
      const oldToken = token(sim.createToken({ Engineering: ['read'] }));
      const a = (await create({ connectToken: oldToken })).body;
      const client = await t.app.get(ConnectClientRegistry).forAccount(tenant.id, a.id);
      const res = await admin().patch(`/v1/connected-accounts/${a.id}`, { connectToken: token(otherSim.defaultToken()) });
      expect(res.status).toBe(422);
      expect(res.body.error.details.reason).toBe('CONNECT_TOKEN_REJECTED');
      const after = await admin().get(`/v1/connected-accounts/${a.id}`);
      expect(after.body).toMatchObject({ configVersion: 1, tokenFingerprint: a.tokenFingerprint, status: 'verified' });
      const same = await t.app.get(ConnectClientRegistry).forAccount(tenant.id, a.id);
      expect(same).toBe(client);
      expect((await same.listVaults()).map((v) => v.name)).toEqual(['Engineering']);
    });

    it('token rotation: a good new token is verified, stored and used from the next call on', async () => {
      const a = (await create({ connectToken: token(sim.createToken({ Engineering: ['read'] })) })).body;
      const registry = t.app.get(ConnectClientRegistry);
      expect((await (await registry.forAccount(tenant.id, a.id)).listVaults()).map((v) => v.name)).toEqual(['Engineering']);
      const newToken = token(sim.createToken({ Marketing: ['read', 'write'] }));
      const res = await admin().patch(`/v1/connected-accounts/${a.id}`, { connectToken: newToken });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ configVersion: 2, status: 'verified', tokenFingerprint: { last4: newToken.slice(-4) } });
      expect(res.body.tokenFingerprint.sha256Prefix).not.toBe(a.tokenFingerprint.sha256Prefix);
      expect(res.body.vaults).toEqual([expect.objectContaining({ name: 'Marketing', read: true, write: true })]);
      expect((await (await registry.forAccount(tenant.id, a.id)).listVaults()).map((v) => v.name)).toEqual(['Marketing']);
    });

    it('a URL change is verified with the token sent along; a bad URL changes nothing', async () => {
      // Listening on every address, so one server has two URLs.
      const dual = await ConnectSimulator.start({ port: 0, host: '::' });
      try {
        const a = (await create({ connectServerUrl: `http://127.0.0.1:${dual.port}`, connectToken: token(dual.defaultToken()) })).body;
        const bad = await admin().patch(`/v1/connected-accounts/${a.id}`, { connectServerUrl: html.url, connectToken: token(dual.defaultToken()) });
        expect(bad.status).toBe(422);
        expect(bad.body.error.details.reason).toBe('CONNECT_NOT_A_CONNECT_SERVER');
        expect((await admin().get(`/v1/connected-accounts/${a.id}`)).body.connectServerUrl).toBe(`http://127.0.0.1:${dual.port}`);
        dual.clearRequests();
        const moved = await admin().patch(`/v1/connected-accounts/${a.id}`, { connectServerUrl: `http://localhost:${dual.port}`, connectToken: token(dual.defaultToken()) });
        expect(moved.status).toBe(200);
        expect(moved.body).toMatchObject({ connectServerUrl: `http://localhost:${dual.port}`, configVersion: 2 });
        expect(dual.requests().map((r) => r.path)).toEqual(['/heartbeat', '/health', '/v1/vaults']);
      } finally {
        await dual.stop();
      }
    });

    it('a URL change without a new token is 400 and sends the stored token nowhere', async () => {
      const storedToken = token(sim.createToken({ Engineering: ['read'] }));
      const a = (await create({ connectToken: storedToken })).body;
      const fake = await fakeConnectServer();
      try {
        sim.clearRequests();
        for (const body of [{ connectServerUrl: fake.url }, { connectServerUrl: `${fake.url}/`, name: uniqueName('moved') }]) {
          const res = await admin().patch(`/v1/connected-accounts/${a.id}`, body);
          expect(res.status).toBe(400);
          expect(res.body.error).toMatchObject({
            code: 'VALIDATION_FAILED',
            message: 'connectToken is required when connectServerUrl changes: the stored token is never sent to another server',
          });
          expect(JSON.stringify(res.body.error.details)).toContain('connectToken');
        }
        expect(fake.authorizations).toEqual([]);
        expect(sim.requests()).toHaveLength(0);
        expect((await admin().get(`/v1/connected-accounts/${a.id}`)).body).toMatchObject({ name: a.name, connectServerUrl: sim.url, configVersion: 1 });

        // The same URL written differently is no change: no token needed, nothing sent.
        const same = await admin().patch(`/v1/connected-accounts/${a.id}`, { connectServerUrl: `${sim.url.replace('http://', 'HTTP://')}/` });
        expect(same.status).toBe(200);
        expect(same.body).toMatchObject({ connectServerUrl: sim.url, configVersion: 1 });
        expect(sim.requests()).toHaveLength(0);

        // With a new token the move works, and the new server sees that token only.
        const newToken = token(`fake-${randomBytes(16).toString('hex')}`);
        const moved = await admin().patch(`/v1/connected-accounts/${a.id}`, { connectServerUrl: fake.url, connectToken: newToken });
        expect(moved.status).toBe(200);
        expect(moved.body).toMatchObject({ connectServerUrl: fake.url, configVersion: 2, tokenFingerprint: { last4: newToken.slice(-4) } });
        expect(fake.authorizations.filter((header) => header !== '')).not.toHaveLength(0);
        for (const header of fake.authorizations) expect([`Bearer ${newToken}`, '']).toContain(header);
      } finally {
        await fake.close();
      }
    });

    it('an account id in upper case names the same account, and leaves no client behind after a delete or a rotation', async () => {
      const a = (await create({ connectToken: token(sim.createToken({ Engineering: ['read'] })) })).body;
      const upper = a.id.toUpperCase();
      const vaults = async (id: string) => admin().get(`/v1/connected-accounts/${id}/vaults`);
      const vaultNames = async (id: string) => {
        const res = await vaults(id);
        expect(res.status).toBe(200);
        return res.body.data.map((v: { name: string }) => v.name);
      };
      expect(await vaultNames(upper)).toEqual(['Engineering']);
      expect((await admin().get(`/v1/connected-accounts/${upper}`)).body.id).toBe(a.id);

      // A token rotated through the upper-case id is sealed for the account and used at once, whatever the spelling.
      const rotated = await admin().patch(`/v1/connected-accounts/${upper}`, { connectToken: token(sim.createToken({ Marketing: ['read'] })) });
      expect(rotated.status).toBe(200);
      for (const id of [a.id, upper]) expect(await vaultNames(id)).toEqual(['Marketing']);
      expect((await admin().post(`/v1/connected-accounts/${upper}/verify`)).body).toMatchObject({ ok: true, account: { id: a.id } });

      expect((await admin().delete(`/v1/connected-accounts/${a.id}`)).status).toBe(204);
      for (const id of [upper, a.id]) {
        const gone = await vaults(id);
        expect(gone.status).toBe(404);
        expect(gone.body.error.code).toBe('CONNECTED_ACCOUNT_NOT_FOUND');
      }
    });

    it('deletes (204); the account and its client are gone', async () => {
      const a = (await create()).body;
      const registry = t.app.get(ConnectClientRegistry);
      const client = await registry.forAccount(tenant.id, a.id);
      expect((await admin().delete(`/v1/connected-accounts/${a.id}`)).status).toBe(204);
      expect((await admin().get(`/v1/connected-accounts/${a.id}`)).status).toBe(404);
      await expect(registry.forAccount(tenant.id, a.id)).rejects.toMatchObject({ code: 'CONNECTED_ACCOUNT_NOT_FOUND' });
      await expect(client.listVaults()).rejects.toThrow(/destroyed/);
      expect((await admin().delete(`/v1/connected-accounts/${a.id}`)).status).toBe(404);
    });
  });

  it('stores the vault names Connect lists without U+0000, on create and on verify', async () => {
    const listed: unknown[] = [{ id: 'ytrfte14kw1uex5txaore1emkz', name: 'bad\u0000name' }];
    const fake = await fakeConnectServer(listed);
    try {
      const created = await create({ connectServerUrl: fake.url, connectToken: token(`fake-${randomBytes(16).toString('hex')}`) });
      expect(created.status).toBe(201);
      expect(created.body.vaults).toEqual([{ id: 'ytrfte14kw1uex5txaore1emkz', name: 'badname', read: null, write: null }]);
      // An id that is not clean text names no vault: skipped rather than altered.
      listed.push({ id: 'z5fq3nm5kv1a4c6vcx3djhfl2i', name: '\u0000second' }, { id: 'bad\u0000id', name: 'skipped' });
      const verified = await admin().post(`/v1/connected-accounts/${created.body.id}/verify`);
      expect(verified.status).toBe(200);
      expect(verified.body.ok).toBe(true);
      expect(verified.body.account.vaults.map((v: { name: string }) => v.name)).toEqual(['badname', 'second']);
    } finally {
      await fake.close();
    }
  });

  describe('POST /:accountId/verify', () => {
    it('records verified, then failing with the reason, then verified again', async () => {
      const a = (await create()).body;
      const ok = await admin().post(`/v1/connected-accounts/${a.id}/verify`);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ ok: true, failedStep: null, reason: null, account: { id: a.id, status: 'verified' } });

      sim.setFaults({ syncReady: false });
      const failing = await admin().post(`/v1/connected-accounts/${a.id}/verify`);
      expect(failing.status).toBe(200);
      expect(failing.body).toMatchObject({
        ok: false,
        failedStep: 'health',
        reason: 'CONNECT_SYNC_NOT_READY',
        account: { status: 'failing', lastVerificationErrorCode: 'CONNECT_SYNC_NOT_READY', configVersion: 1 },
      });
      expect(failing.body.account.lastVerifiedAt).toBe(ok.body.account.lastVerifiedAt);

      sim.resetFaults();
      const again = await admin().post(`/v1/connected-accounts/${a.id}/verify`);
      expect(again.body).toMatchObject({ ok: true, account: { status: 'verified', lastVerificationErrorCode: null } });
      expect(Date.parse(again.body.account.lastVerifiedAt)).toBeGreaterThan(Date.parse(ok.body.account.lastVerifiedAt));
    });

    it('reports an unreachable server as failing (the simulator is down)', async () => {
      const down = await ConnectSimulator.start({ port: 0 });
      const res = await create({ connectServerUrl: down.url, connectToken: token(down.defaultToken()) });
      expect(res.status).toBe(201);
      await down.stopListener();
      const failing = await admin().post(`/v1/connected-accounts/${res.body.id}/verify`);
      expect(failing.body).toMatchObject({ ok: false, failedStep: 'heartbeat', reason: 'CONNECT_UNREACHABLE', account: { status: 'failing' } });
      await down.stop();
    });
  });

  describe('roles and tenants', () => {
    it('operator may list and get, but not create, update, verify or delete', async () => {
      const a = (await create()).body;
      const op = as(operatorKey);
      expect((await op.get('/v1/connected-accounts')).status).toBe(200);
      expect((await op.get(`/v1/connected-accounts/${a.id}`)).status).toBe(200);
      const refused = [
        await op.post('/v1/connected-accounts', { name: uniqueName(), connectServerUrl: sim.url, connectToken: sim.defaultToken() }),
        await op.patch(`/v1/connected-accounts/${a.id}`, { name: uniqueName() }),
        await op.post(`/v1/connected-accounts/${a.id}/verify`),
        await op.delete(`/v1/connected-accounts/${a.id}`),
      ];
      for (const res of refused) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
    });

    it('auditor may do nothing with connected accounts', async () => {
      const a = (await create()).body;
      const au = as(auditorKey);
      expect((await au.get('/v1/connected-accounts')).status).toBe(403);
      expect((await au.get(`/v1/connected-accounts/${a.id}`)).status).toBe(403);
      expect((await au.post('/v1/connected-accounts', { name: uniqueName(), connectServerUrl: sim.url, connectToken: sim.defaultToken() })).status).toBe(403);
    });

    it('without a key → 401', async () => {
      expect((await t.http().get('/v1/connected-accounts')).status).toBe(401);
    });

    it("another tenant's account is 404 on every route and absent from its list", async () => {
      const a = (await create()).body;
      const b = as(other.adminKey);
      expect((await b.get(`/v1/connected-accounts/${a.id}`)).status).toBe(404);
      expect((await b.patch(`/v1/connected-accounts/${a.id}`, { name: uniqueName() })).status).toBe(404);
      expect((await b.post(`/v1/connected-accounts/${a.id}/verify`)).status).toBe(404);
      expect((await b.delete(`/v1/connected-accounts/${a.id}`)).status).toBe(404);
      const list = await b.get('/v1/connected-accounts?limit=500');
      expect(list.body.data.map((x: { id: string }) => x.id)).not.toContain(a.id);
      // The other tenant may reuse the name.
      expect((await b.post('/v1/connected-accounts', { name: a.name, connectServerUrl: sim.url, connectToken: sim.defaultToken() })).status).toBe(201);
      // Still there for its owner.
      expect((await admin().get(`/v1/connected-accounts/${a.id}`)).status).toBe(200);
    });

    it('the registry refuses another tenant with 404 as well, cached or not', async () => {
      const a = (await create()).body;
      const registry = t.app.get(ConnectClientRegistry);
      await expect(registry.forAccount(other.id, a.id)).rejects.toMatchObject({ code: 'CONNECTED_ACCOUNT_NOT_FOUND' });
      await registry.forAccount(tenant.id, a.id);
      await expect(registry.forAccount(other.id, a.id)).rejects.toMatchObject({ code: 'CONNECTED_ACCOUNT_NOT_FOUND' });
      await expect(registry.forAccount(tenant.id, 'not-a-uuid')).rejects.toMatchObject({ code: 'CONNECTED_ACCOUNT_NOT_FOUND' });
    });
  });

  it('documents the routes in Swagger under "Connected accounts", with the 422 reasons', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    const path = doc.paths['/v1/connected-accounts'];
    expect(path.post.tags).toEqual(['Connected accounts']);
    expect(path.post.responses['422'].description).toContain('CONNECT_TOKEN_REJECTED');
    expect(doc.paths['/v1/connected-accounts/{accountId}'].patch).toBeDefined();
    expect(doc.paths['/v1/connected-accounts/{accountId}/verify'].post).toBeDefined();
    expect(doc.components.schemas.CreateConnectedAccountDto.properties.connectToken.writeOnly).toBe(true);
    expect(JSON.stringify(doc.components.schemas.ConnectedAccountDto)).not.toContain('connectToken');
  });

  it('no token ever appears in a response, an error or a log line (canary)', async () => {
    expect(tokens.length).toBeGreaterThan(10);
    const responses = bodies.join('\n');
    const logs = t.logs.text();
    expect(logs).toContain('/v1/connected-accounts');
    for (const secret of tokens) {
      if (secret.length < 12) continue;
      for (const form of tokenForms(secret)) {
        expect(responses).not.toContain(form);
        expect(logs).not.toContain(form);
      }
    }
    expect(logs.toLowerCase()).not.toContain('bearer ey');
  });
});
