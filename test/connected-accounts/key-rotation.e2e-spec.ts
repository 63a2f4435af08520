import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { PLATFORM_CHAIN_ID } from '../../src/audit/audit.constants.js';
import { AuditVerifier } from '../../src/audit/audit-verifier.js';
import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import { ConnectClientRegistry } from '../../src/connected-accounts/connect-client.registry.js';
import { TokenKeyMaintenance } from '../../src/connected-accounts/keys/token-key-maintenance.service.js';
import { APP_ROLE, type AuditRow } from '../audit/support/audit-kit.js';
import { TestApp, TestTenant } from '../support/test-app.js';
import { adminQuery, adminUrl, createScratchDatabase, FAST_CONNECT_ENV, randomKey, tokenForms } from './helpers.js';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
/** The CLIs compiled from the current sources (tsc emits even if an unrelated file has a type error). */
const BUILD_DIR = join(ROOT, 'test-artifacts', `keys-cli-${process.pid}-${randomBytes(3).toString('hex')}`);
const CLI = (name: 'keys-rewrap' | 'keys-check') => join(BUILD_DIR, 'src', 'connected-accounts', 'cli', `${name}.main.js`);

interface SealedRow {
  id: string;
  token_key_id: string;
  token_iv: Buffer;
  token_tag: Buffer;
  token_wrapped_key: Buffer;
  token_ciphertext: Buffer;
}

/**
 * Key rotation on a database of its own: rewrap and check work on every row of every tenant, so rows written
 * by other test files (under other keys) must not be there.
 */
describe('key rotation: keys:rewrap and keys:check', () => {
  const K1 = randomKey();
  const K2 = randomKey();
  const ring1 = { ENCRYPTION_KEYS: `k1:${K1}` };
  const ring12 = { ENCRYPTION_KEYS: `k1:${K1},k2:${K2}`, ENCRYPTION_PRIMARY_KEY_ID: 'k2' };
  const ring2 = { ENCRYPTION_KEYS: `k2:${K2}` };

  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let sim: ConnectSimulator;
  let build: Promise<unknown>;
  let tenantA: TestTenant;
  let tenantB: TestTenant;
  const accounts: { id: string; tenant: TestTenant }[] = [];
  const tokens: string[] = [];
  const apps: TestApp[] = [];

  const start = async (env: Record<string, string>) => {
    const app = await TestApp.start({ ...FAST_CONNECT_ENV, DATABASE_URL: database.url, ...env });
    apps.push(app);
    return app;
  };
  const stop = async (app: TestApp) => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };
  const createAccount = async (app: TestApp, tenant: TestTenant) => {
    const connectToken = sim.createToken({ Engineering: ['read'] });
    tokens.push(connectToken);
    const res = await app
      .http()
      .post('/v1/connected-accounts')
      .set('Authorization', `Bearer ${tenant.adminKey}`)
      .send({ name: `acct-${randomBytes(4).toString('hex')}`, connectServerUrl: sim.url, connectToken })
      .expect(201);
    accounts.push({ id: res.body.id, tenant });
    return res.body.id as string;
  };
  const rows = () =>
    adminQuery<SealedRow>(
      'SELECT id, token_key_id, token_iv, token_tag, token_wrapped_key, token_ciphertext FROM connected_accounts ORDER BY id',
      [],
      database.name,
    );
  const keyCounts = async () =>
    Object.fromEntries((await rows()).reduce((m, r) => m.set(r.token_key_id, (m.get(r.token_key_id) ?? 0) + 1), new Map<string, number>()));
  /** Every account opens and its token works against Connect, through the registry and through verify. */
  const expectEveryAccountWorks = async (app: TestApp) => {
    for (const { id, tenant } of accounts) {
      const client = await app.app.get(ConnectClientRegistry).forAccount(tenant.id, id);
      expect((await client.listVaults()).map((v) => v.name)).toEqual(['Engineering']);
      const verified = await app.http().post(`/v1/connected-accounts/${id}/verify`).set('Authorization', `Bearer ${tenant.adminKey}`).expect(200);
      expect(verified.body.ok).toBe(true);
    }
  };
  const rewrapRecords = () =>
    adminQuery<AuditRow>(`SELECT * FROM audit_events WHERE action = 'keys.rewrap' ORDER BY seq`, [], database.name);
  /** The request/outcome pair the newest keys:rewrap run left, with no key or token in either record. */
  const lastRewrapAudit = async () => {
    const records = await rewrapRecords();
    const pair = records.filter((r) => r.request_id === records[records.length - 1].request_id);
    expect(pair.map((r) => r.type)).toEqual(['request', 'response']);
    const text = JSON.stringify(pair);
    for (const secret of [K1, K2, ...tokens.flatMap(tokenForms)]) expect(text).not.toContain(secret);
    return { request: pair[0], response: pair[1] };
  };
  const cli = async (name: 'keys-rewrap' | 'keys-check', env: Record<string, string>, args: string[] = []) => {
    await build;
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI(name), ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: database.url, DATA_DIR: join(BUILD_DIR, 'data'), ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  beforeAll(async () => {
    build = run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR], { cwd: ROOT }).catch(
      () => undefined,
    );
    database = await createScratchDatabase();
    sim = await ConnectSimulator.start({ port: 0 });
  }, 120_000);
  afterAll(async () => {
    for (const app of [...apps]) await app.close();
    await sim?.stop();
    await database?.drop();
    await build;
    rmSync(BUILD_DIR, { recursive: true, force: true });
  });

  it('rows written under key 1 (two tenants)', async () => {
    const app = await start(ring1);
    tenantA = await app.createTenant();
    tenantB = await app.createTenant();
    for (let i = 0; i < 5; i++) await createAccount(app, tenantA);
    await createAccount(app, tenantB);
    expect(await keyCounts()).toEqual({ k1: 6 });
    await stop(app);
  });

  it('still open after key 2 becomes primary; new writes use key 2', async () => {
    const app = await start(ring12);
    await expectEveryAccountWorks(app);
    await createAccount(app, tenantB);
    expect(await keyCounts()).toEqual({ k1: 6, k2: 1 });
    // A token rotation re-seals under the primary too.
    await app
      .http()
      .patch(`/v1/connected-accounts/${accounts[0].id}`)
      .set('Authorization', `Bearer ${tenantA.adminKey}`)
      .send({ connectToken: tokens[0] })
      .expect(200);
    expect(await keyCounts()).toEqual({ k1: 5, k2: 2 });
    const report = await app.app.get(TokenKeyMaintenance).check();
    expect(report).toMatchObject({ primaryKeyId: 'k2', ok: false, rowsNeedingOtherKeys: 5, removableKeyIds: [] });
    expect(report.usage).toEqual([
      { keyId: 'k1', rows: 5, primary: false, inKeyRing: true },
      { keyId: 'k2', rows: 2, primary: true, inKeyRing: true },
    ]);
    await stop(app);
  });

  it('a row relabelled with the other key id fails to open (the wrap is bound to its key id)', async () => {
    const app = await start(ring12);
    const { id, tenant } = accounts[5];
    const [{ token_key_id: original }] = await adminQuery<{ token_key_id: string }>('SELECT token_key_id FROM connected_accounts WHERE id = $1', [id], database.name);
    await adminQuery(`UPDATE connected_accounts SET token_key_id = 'k2' WHERE id = $1`, [id], database.name);
    await expect(app.app.get(ConnectClientRegistry).forAccount(tenant.id, id)).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    await adminQuery(`UPDATE connected_accounts SET token_key_id = $2 WHERE id = $1`, [id, original], database.name);
    await stop(app);
  });

  it('an interrupted rewrap keeps the batches it committed and resumes; data ciphertexts never change', async () => {
    const app = await start(ring12);
    const before = await rows();
    let calls = 0;
    await expect(
      app.app.get(TokenKeyMaintenance).rewrap({
        batchSize: 2,
        onProgress: () => {
          if (++calls === 2) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    expect(await keyCounts()).toEqual({ k1: 3, k2: 4 });
    const after = await rows();
    for (const [i, row] of after.entries()) {
      expect(row.id).toBe(before[i].id);
      // Only the wrap moves: IV, tag and ciphertext of the token stay byte for byte.
      expect(row.token_ciphertext.equals(before[i].token_ciphertext)).toBe(true);
      expect(row.token_iv.equals(before[i].token_iv)).toBe(true);
      expect(row.token_tag.equals(before[i].token_tag)).toBe(true);
      expect(row.token_wrapped_key.equals(before[i].token_wrapped_key)).toBe(row.token_key_id === before[i].token_key_id);
    }
    await stop(app);
  });

  it('npm run keys:check (the real CLI) exits 1 and counts rows per key id while key 1 is needed', async () => {
    const result = await cli('keys-check', ring12);
    expect(result.stdout).toContain('primary key: k2');
    expect(result.stdout).toContain('k1: 3 rows (needs rewrap)');
    expect(result.stdout).toContain('k2: 4 rows (primary)');
    expect(result.code).toBe(1);
  }, 120_000);

  it('keys:rewrap (the real CLI) refuses to start when the audit log cannot be written: exit 2, no row changed', async () => {
    // Holds the platform chain's head, as a stuck audit writer elsewhere would.
    const blocker = new pg.Client({ connectionString: adminUrl(database.name) });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      const head = await blocker.query('SELECT * FROM audit_chain_heads WHERE tenant_id = $1 FOR UPDATE', [PLATFORM_CHAIN_ID]);
      expect(head.rowCount).toBe(1);
      const result = await cli('keys-rewrap', { ...ring12, AUDIT_WRITE_TIMEOUT_MS: '300' });
      expect(result.stderr).toContain('keys:rewrap failed: the audit log cannot be written');
      expect(result.code).toBe(2);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    expect(await keyCounts()).toEqual({ k1: 3, k2: 4 });
    expect(await rewrapRecords()).toEqual([]);
  }, 120_000);

  it('npm run keys:rewrap (the real CLI) rewraps the rest and reports the counts', async () => {
    const result = await cli('keys-rewrap', ring12, ['--batch-size', '2']);
    expect(result.stdout).toContain('rewrapped 3, already current 4');
    expect(result.code).toBe(0);
    expect(await keyCounts()).toEqual({ k2: 7 });
    for (const token of tokens) for (const form of tokenForms(token)) expect(result.stdout + result.stderr).not.toContain(form);
  }, 120_000);

  it('the run is audited on the platform chain: a keys.rewrap request/outcome pair with the counts', async () => {
    const { request, response } = await lastRewrapAudit();
    const who = { tenant_id: PLATFORM_CHAIN_ID, action: 'keys.rewrap', actor_type: 'system', actor_name: 'keys:rewrap CLI', read_only: false };
    expect(request).toMatchObject({ ...who, outcome: null, details: { primaryKeyId: 'k2', batchSize: 2 } });
    expect(response).toMatchObject({ ...who, outcome: 'success', error_code: null, request_event_id: expect.any(String) });
    expect(response.details).toEqual({ primaryKeyId: 'k2', rewrapped: 3, alreadyCurrent: 4, failed: 0 });
  });

  it('a second rewrap changes nothing', async () => {
    const app = await start(ring12);
    const before = await rows();
    expect(await app.app.get(TokenKeyMaintenance).rewrap()).toEqual({ primaryKeyId: 'k2', rewrapped: 0, alreadyCurrent: 7, failed: [] });
    expect(await rows()).toEqual(before);
    await stop(app);
  });

  it('keys:check (the real CLI) exits 0: no row needs key 1', async () => {
    const result = await cli('keys-check', ring12);
    expect(result.stdout).toContain('no row needs k1');
    expect(result.code).toBe(0);
  }, 120_000);

  it('key 1 removed: every account still works', async () => {
    const app = await start(ring2);
    await expectEveryAccountWorks(app);
    expect(await app.app.get(TokenKeyMaintenance).check()).toMatchObject({ ok: true, primaryKeyId: 'k2', usage: [{ keyId: 'k2', rows: 7 }] });
    await stop(app);
  });

  it('rewrap reports rows whose key is not in the ring instead of stopping, and the CLI exits 1', async () => {
    await adminQuery(`UPDATE connected_accounts SET token_key_id = 'k1' WHERE id = $1`, [accounts[1].id], database.name);
    const result = await cli('keys-rewrap', ring2);
    expect(result.stdout).toContain('rewrapped 0, already current 6');
    expect(result.stdout).toContain(`account ${accounts[1].id}`);
    expect(result.stdout).toContain('ENCRYPTION_KEY_UNKNOWN');
    expect(result.code).toBe(1);
    const { response } = await lastRewrapAudit();
    expect(response).toMatchObject({ outcome: 'error', error_code: 'REWRAP_INCOMPLETE' });
    expect(response.details).toEqual({ primaryKeyId: 'k2', rewrapped: 0, alreadyCurrent: 6, failed: 1, failedByCode: { ENCRYPTION_KEY_UNKNOWN: 1 } });
    const check = await cli('keys-check', ring2);
    expect(check.stdout).toContain('k1: 1 row (NOT IN THE KEY RING');
    expect(check.code).toBe(1);
  }, 120_000);

  it('the CLI refuses a database user that row-level security would blind', async () => {
    // The app role cannot log in; a login role without BYPASSRLS that does not own the table stands in for it.
    const role = `wrk_blind_${randomBytes(3).toString('hex')}`;
    await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD 'blind' NOSUPERUSER NOBYPASSRLS`, [], database.name);
    await adminQuery(`GRANT SELECT ON connected_accounts TO ${role}`, [], database.name);
    try {
      const url = new URL(database.url);
      url.username = role;
      url.password = 'blind';
      const result = await cli('keys-check', { ...ring2, DATABASE_URL: url.toString() });
      expect(result.stderr).toContain('subject to row-level security');
      expect(result.code).toBe(2);
      // Allowed to act as the app role (so the audit can write), keys:rewrap records the refusal as an error.
      await adminQuery(`GRANT ${APP_ROLE} TO ${role}`, [], database.name);
      const rewrap = await cli('keys-rewrap', { ...ring2, DATABASE_URL: url.toString() });
      expect(rewrap.stderr).toContain('subject to row-level security');
      expect(rewrap.code).toBe(2);
      const { response } = await lastRewrapAudit();
      expect(response).toMatchObject({ outcome: 'error', error_code: 'INTERNAL_ERROR', details: null });
    } finally {
      await adminQuery(`REVOKE ${APP_ROLE} FROM ${role}`, [], database.name);
      await adminQuery(`REVOKE ALL ON connected_accounts FROM ${role}`, [], database.name);
      await adminQuery(`DROP ROLE ${role}`, [], database.name);
    }
  }, 120_000);

  it('the platform chain still verifies after the audited runs (one pair per run, none for the one refused for want of an audit log)', async () => {
    const runs = (await rewrapRecords()).map((r) => `${r.type}:${r.outcome}`);
    expect(runs).toEqual(['request:null', 'response:success', ...Array(2).fill(['request:null', 'response:error']).flat()]);
    const app = await start(ring2);
    expect(await app.app.get(AuditVerifier).verify(PLATFORM_CHAIN_ID)).toMatchObject({ valid: true });
    await stop(app);
  });

  it('the CLIs were built from the current sources', () => {
    expect(existsSync(CLI('keys-rewrap'))).toBe(true);
    expect(existsSync(CLI('keys-check'))).toBe(true);
  });
});
