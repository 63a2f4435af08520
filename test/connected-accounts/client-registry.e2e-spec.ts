import { randomBytes } from 'node:crypto';
import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import { ConnectClientRegistry } from '../../src/connected-accounts/connect-client.registry.js';
import { EnvelopeCipher } from '../../src/crypto/envelope-cipher.js';
import { TenantTransaction } from '../../src/database/tenant-transaction.js';
import { TestApp, TestTenant } from '../support/test-app.js';
import { eventually, FAST_CONNECT_ENV, tokenForms } from './helpers.js';

/** Two service instances on one database, like two pods behind a load balancer. */
describe('ConnectClientRegistry', () => {
  let a: TestApp;
  let b: TestApp;
  let sim: ConnectSimulator;
  let tenant: TestTenant;
  const tokens: string[] = [];

  const mint = (vaults: Record<string, ('read' | 'write')[]>) => {
    const token = sim.createToken(vaults);
    tokens.push(token);
    return token;
  };
  const createAccount = async (app: TestApp, connectToken: string) => {
    const res = await app
      .http()
      .post('/v1/connected-accounts')
      .set('Authorization', `Bearer ${tenant.adminKey}`)
      .send({ name: `acct-${randomBytes(4).toString('hex')}`, connectServerUrl: sim.url, connectToken })
      .expect(201);
    return res.body.id as string;
  };
  const vaultNames = async (app: TestApp, accountId: string) =>
    (await (await app.app.get(ConnectClientRegistry).forAccount(tenant.id, accountId)).listVaults()).map((v) => v.name).sort();

  beforeAll(async () => {
    sim = await ConnectSimulator.start({ port: 0 });
    a = await TestApp.start(FAST_CONNECT_ENV);
    b = await TestApp.start(FAST_CONNECT_ENV);
    tenant = await a.createTenant();
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await sim?.stop();
  });

  it('serves a cached client with no database query and decrypts the token once per config version', async () => {
    const accountId = await createAccount(a, mint({ Engineering: ['read'] }));
    const registry = b.app.get(ConnectClientRegistry);
    const queries = jest.spyOn(b.app.get(TenantTransaction), 'run');
    const opens = jest.spyOn(b.app.get(EnvelopeCipher), 'open');

    const first = await registry.forAccount(tenant.id, accountId);
    expect(queries).toHaveBeenCalledTimes(1);
    expect(opens).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 100; i++) expect(await registry.forAccount(tenant.id, accountId)).toBe(first);
    expect(queries).toHaveBeenCalledTimes(1);
    expect(opens).toHaveBeenCalledTimes(1);
  });

  it('de-duplicates concurrent first loads: one query, one decryption, one client', async () => {
    const accountId = await createAccount(a, mint({ Engineering: ['read'] }));
    const registry = b.app.get(ConnectClientRegistry);
    const queries = jest.spyOn(b.app.get(TenantTransaction), 'run');
    const opens = jest.spyOn(b.app.get(EnvelopeCipher), 'open');
    const clients = await Promise.all(Array.from({ length: 50 }, () => registry.forAccount(tenant.id, accountId)));
    expect(new Set(clients).size).toBe(1);
    expect(queries).toHaveBeenCalledTimes(1);
    expect(opens).toHaveBeenCalledTimes(1);
  });

  it('a token updated through one instance is used by the other on its next call (within a second)', async () => {
    const accountId = await createAccount(a, mint({ Engineering: ['read'] }));
    expect(await vaultNames(b, accountId)).toEqual(['Engineering']);
    const before = await b.app.get(ConnectClientRegistry).forAccount(tenant.id, accountId);

    await a
      .http()
      .patch(`/v1/connected-accounts/${accountId}`)
      .set('Authorization', `Bearer ${tenant.adminKey}`)
      .send({ connectToken: mint({ Marketing: ['read'], Private: ['read'] }) })
      .expect(200);

    const took = await eventually(async () => (await vaultNames(b, accountId)).join() === 'Marketing,Private', 1000);
    expect(took).toBeLessThan(1000);
    expect(await b.app.get(ConnectClientRegistry).forAccount(tenant.id, accountId)).not.toBe(before);
    // The replaced client still finishes calls already under way (it is retired after a grace period).
    expect((await before.listVaults()).map((v) => v.name)).toEqual(['Engineering']);
  });

  it('a delete through one instance removes the client on the other within a second and destroys it', async () => {
    const accountId = await createAccount(a, mint({ Engineering: ['read'] }));
    const client = await b.app.get(ConnectClientRegistry).forAccount(tenant.id, accountId);
    await a.http().delete(`/v1/connected-accounts/${accountId}`).set('Authorization', `Bearer ${tenant.adminKey}`).expect(204);
    await eventually(
      () => b.app.get(ConnectClientRegistry).forAccount(tenant.id, accountId).then(() => false, (error) => error.code === 'CONNECTED_ACCOUNT_NOT_FOUND'),
      1000,
    );
    await expect(client.listVaults()).rejects.toThrow(/destroyed/);
  });

  it('a client loaded under an upper-case id is gone at once after a delete through the lower-case id', async () => {
    const accountId = await createAccount(a, mint({ Engineering: ['read'] }));
    const upper = accountId.toUpperCase();
    const client = await a.app.get(ConnectClientRegistry).forAccount(tenant.id, upper);
    await b.app.get(ConnectClientRegistry).forAccount(tenant.id, upper);
    await a.http().delete(`/v1/connected-accounts/${accountId}`).set('Authorization', `Bearer ${tenant.adminKey}`).expect(204);
    await expect(a.app.get(ConnectClientRegistry).forAccount(tenant.id, upper)).rejects.toMatchObject({ code: 'CONNECTED_ACCOUNT_NOT_FOUND' });
    await expect(client.listVaults()).rejects.toThrow(/destroyed/);
    // The other instance learns it through the notifier, whatever spelling it cached.
    await eventually(
      () => b.app.get(ConnectClientRegistry).forAccount(tenant.id, upper).then(() => false, (error) => error.code === 'CONNECTED_ACCOUNT_NOT_FOUND'),
      1000,
    );
  });

  it('one client per account whatever the casing of its id, so one circuit breaker too', async () => {
    const accountId = await createAccount(a, mint({ Engineering: ['read'] }));
    const registry = b.app.get(ConnectClientRegistry);
    expect(await registry.forAccount(tenant.id, accountId.toUpperCase())).toBe(await registry.forAccount(tenant.id, accountId));
  });

  it('a rename reaches the other instance too (new config version, same token)', async () => {
    const accountId = await createAccount(a, mint({ Engineering: ['read'] }));
    const registry = b.app.get(ConnectClientRegistry);
    await registry.forAccount(tenant.id, accountId);
    await a
      .http()
      .patch(`/v1/connected-accounts/${accountId}`)
      .set('Authorization', `Bearer ${tenant.adminKey}`)
      .send({ name: `renamed-${randomBytes(4).toString('hex')}` })
      .expect(200);
    const opens = jest.spyOn(b.app.get(EnvelopeCipher), 'open');
    await eventually(async () => {
      await registry.forAccount(tenant.id, accountId);
      return opens.mock.calls.length === 1;
    }, 1000);
  });

  it('the instance that made a change does not rebuild its client twice when its own notification arrives', async () => {
    const accountId = await createAccount(a, mint({ Engineering: ['read'] }));
    const registry = a.app.get(ConnectClientRegistry);
    await a
      .http()
      .patch(`/v1/connected-accounts/${accountId}`)
      .set('Authorization', `Bearer ${tenant.adminKey}`)
      .send({ connectToken: mint({ Marketing: ['read'] }) })
      .expect(200);
    const fresh = await registry.forAccount(tenant.id, accountId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await registry.forAccount(tenant.id, accountId)).toBe(fresh);
  });

  it('never puts a token in a log line of either instance', () => {
    const logs = a.logs.text() + b.logs.text();
    for (const token of tokens) for (const form of tokenForms(token)) expect(logs).not.toContain(form);
  });
});
