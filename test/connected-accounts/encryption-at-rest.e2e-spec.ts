import { randomBytes } from 'node:crypto';
import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import { ConnectClientRegistry } from '../../src/connected-accounts/connect-client.registry.js';
import { TestApp, TestTenant } from '../support/test-app.js';
import { adminQuery, FAST_CONNECT_ENV, tokenForms } from './helpers.js';

const SEALED_COLUMNS = ['token_version', 'token_key_id', 'token_iv', 'token_tag', 'token_wrapped_key', 'token_ciphertext'];

describe('Connect tokens at rest', () => {
  let t: TestApp;
  let sim: ConnectSimulator;
  let tenant: TestTenant;
  let other: TestTenant;

  const create = async (owner: TestTenant, connectToken = sim.defaultToken()) => {
    const res = await t
      .http()
      .post('/v1/connected-accounts')
      .set('Authorization', `Bearer ${owner.adminKey}`)
      .send({ name: `acct-${randomBytes(4).toString('hex')}`, connectServerUrl: sim.url, connectToken })
      .expect(201);
    return res.body.id as string;
  };
  const verify = (owner: TestTenant, accountId: string) =>
    t.http().post(`/v1/connected-accounts/${accountId}/verify`).set('Authorization', `Bearer ${owner.adminKey}`);
  const copySealedColumns = (from: string, to: string) =>
    adminQuery(
      `UPDATE connected_accounts dst SET ${SEALED_COLUMNS.map((c) => `${c} = src.${c}`).join(', ')}
       FROM connected_accounts src WHERE src.id = $1 AND dst.id = $2`,
      [from, to],
    );

  beforeAll(async () => {
    sim = await ConnectSimulator.start({ port: 0 });
    t = await TestApp.start(FAST_CONNECT_ENV);
    tenant = await t.createTenant();
    other = await t.createTenant();
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('a database dump holds no token bytes (canary tokens minted by the simulator)', async () => {
    const canaries = [sim.createToken({ Engineering: ['read', 'write'] }), sim.createToken({ Marketing: ['read'] }), sim.createToken({ '*': ['read'] })];
    const ids = [];
    for (const canary of canaries) ids.push(await create(tenant, canary));

    // What `pg_dump` or a stolen backup would see: every column of every row, bytea as hex.
    const dump = (await adminQuery<{ row: string }>('SELECT row_to_json(a)::text AS row FROM connected_accounts a')).map((r) => r.row).join('\n');
    for (const id of ids) expect(dump).toContain(id);
    const raw = await adminQuery<Record<string, unknown>>('SELECT * FROM connected_accounts WHERE id = ANY($1)', [ids]);
    for (const canary of canaries) {
      for (const form of tokenForms(canary)) expect(dump).not.toContain(form);
      for (const row of raw) {
        for (const value of Object.values(row)) {
          if (Buffer.isBuffer(value)) expect(value.includes(Buffer.from(canary))).toBe(false);
        }
      }
    }
    // The same token sealed twice gives different ciphertexts (random data key and IV).
    const twice = await create(tenant, canaries[0]);
    const [first, second] = await adminQuery<{ token_ciphertext: Buffer; token_iv: Buffer }>(
      'SELECT token_ciphertext, token_iv FROM connected_accounts WHERE id = ANY($1) ORDER BY id = $2',
      [[ids[0], twice], twice],
    );
    expect(first.token_ciphertext.equals(second.token_ciphertext)).toBe(false);
    expect(first.token_iv.equals(second.token_iv)).toBe(false);
  });

  it('the row holds only the sealed parts, a fingerprint and the key id', async () => {
    const id = await create(tenant);
    const [row] = await adminQuery<Record<string, unknown>>('SELECT * FROM connected_accounts WHERE id = $1', [id]);
    expect(row).toMatchObject({ token_version: 1, token_key_id: 'test1', tenant_id: tenant.id });
    expect((row.token_iv as Buffer).length).toBe(12);
    expect((row.token_tag as Buffer).length).toBe(16);
    expect((row.token_wrapped_key as Buffer).length).toBe(60);
  });

  describe('tampering fails with a clear error, never garbage', () => {
    const expectRefused = async (owner: TestTenant, accountId: string, code: string) => {
      const res = await verify(owner, accountId);
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe(code);
      await expect(t.app.get(ConnectClientRegistry).forAccount(owner.id, accountId)).rejects.toMatchObject({ code });
      return res;
    };

    it("a ciphertext swapped in from another account of the same tenant → DECRYPTION_FAILED", async () => {
      const victim = await create(tenant);
      const source = await create(tenant, sim.createToken({ Private: ['read'] }));
      await copySealedColumns(source, victim);
      const res = await expectRefused(tenant, victim, 'DECRYPTION_FAILED');
      expect(res.body.error.message).toBe('A stored secret could not be decrypted');
    });

    it("a ciphertext copied from another tenant's account → DECRYPTION_FAILED", async () => {
      const victim = await create(tenant);
      const source = await create(other);
      await copySealedColumns(source, victim);
      await expectRefused(tenant, victim, 'DECRYPTION_FAILED');
    });

    it.each(['token_ciphertext', 'token_tag', 'token_iv', 'token_wrapped_key'])('one flipped bit in %s → DECRYPTION_FAILED', async (column) => {
      const victim = await create(tenant);
      await adminQuery(`UPDATE connected_accounts SET ${column} = set_byte(${column}, 0, get_byte(${column}, 0) # 1) WHERE id = $1`, [victim]);
      await expectRefused(tenant, victim, 'DECRYPTION_FAILED');
    });

    it('an unknown key id → ENCRYPTION_KEY_UNKNOWN naming the id', async () => {
      const victim = await create(tenant);
      await adminQuery(`UPDATE connected_accounts SET token_key_id = 'retired-key' WHERE id = $1`, [victim]);
      const res = await expectRefused(tenant, victim, 'ENCRYPTION_KEY_UNKNOWN');
      expect(res.body.error.details).toEqual({ keyId: 'retired-key' });
    });

    it("a wrapped data key swapped in from another row → DECRYPTION_FAILED", async () => {
      const victim = await create(tenant);
      const source = await create(tenant);
      await adminQuery(
        `UPDATE connected_accounts dst SET token_wrapped_key = src.token_wrapped_key FROM connected_accounts src WHERE src.id = $1 AND dst.id = $2`,
        [source, victim],
      );
      // Right key-encryption key, wrong data key: the data's tag fails.
      await expectRefused(tenant, victim, 'DECRYPTION_FAILED');
    });

    it('an account whose token cannot be opened: a PATCH never opens it, and a new token replaces it', async () => {
      const victim = await create(tenant);
      await adminQuery(`UPDATE connected_accounts SET token_key_id = 'retired-key' WHERE id = $1`, [victim]);
      const patch = (body: object) => t.http().patch(`/v1/connected-accounts/${victim}`).set('Authorization', `Bearer ${tenant.adminKey}`).send(body);
      // A URL change without a token is refused before the stored token is touched.
      const refused = await patch({ connectServerUrl: `${sim.url}/other` });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('VALIDATION_FAILED');
      await expectRefused(tenant, victim, 'ENCRYPTION_KEY_UNKNOWN');
      const rotated = await patch({ connectToken: sim.defaultToken() });
      expect(rotated.status).toBe(200);
      expect((await verify(tenant, victim)).body.ok).toBe(true);
    });
  });
});
