import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/compiled-build.js';
import { demoDataDir, postgresPid, startDemoProcess, type DemoProcess } from './support/demo-process.js';

const DEMO_VAULTS = ['Engineering', 'Marketing', 'Private'];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function get(demo: DemoProcess, path: string, key = demo.apiKey): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${demo.baseUrl}${path}`, { headers: { Authorization: `Bearer ${key}` } });
  return { status: res.status, body: await res.json() };
}

async function vaultNames(demo: DemoProcess, key = demo.apiKey): Promise<string[]> {
  const { status, body } = await get(demo, `/v1/connected-accounts/${demo.accountId}/vaults`, key);
  expect(status).toBe(200);
  return (body as { data: { name: string }[] }).data.map((vault) => vault.name);
}

/** `npm run demo`, run twice on the same data as a newcomer would, stopped with Ctrl+C and with SIGTERM. */
describe('demo mode (npm run demo)', () => {
  const dataDir = demoDataDir('mode');
  let first: DemoProcess;
  let second: DemoProcess | undefined;

  afterAll(async () => {
    await second?.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('is the package script', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.demo).toBe('npm run build --silent && exec node dist/src/demo/demo.main.js');
  });

  it('first run: a default tenant, a demo admin key and "Demo Connect" on the simulator; the key lists the demo vaults', async () => {
    first = await startDemoProcess(dataDir);
    const output = first.output();
    expect(output).toContain('A default tenant was created');
    expect(output).toMatch(/Connected account\s+\S+\s+"Demo Connect" \(created\)/);
    expect(output).toMatch(/-> Connect simulator http:\/\/127\.0\.0\.1:\d+, vaults: Engineering, Marketing, Private/);
    expect(output).toContain(`curl -s -H "Authorization: Bearer ${first.apiKey}" ${first.baseUrl}/v1/connected-accounts/${first.accountId}/vaults`);
    expect(output).toContain(`Service log        ${join(dataDir, 'service.log')}`);
    // The service's JSON logs go to the file, not the terminal.
    expect(output).not.toContain('"level":');
    expect(readFileSync(join(dataDir, 'service.log'), 'utf8')).toContain('Nest application successfully started');

    await expect(vaultNames(first)).resolves.toEqual(DEMO_VAULTS);
    const accounts = await get(first, '/v1/connected-accounts');
    expect(accounts.body).toMatchObject({ data: [{ id: first.accountId, name: 'Demo Connect', status: 'verified' }] });
    const keys = (await get(first, '/v1/api-keys')).body as { data: { name: string; role: string; revokedAt: string | null }[] };
    expect(keys.data.filter((key) => key.name === 'demo admin key')).toEqual([expect.objectContaining({ role: 'admin', revokedAt: null })]);
    expect((await fetch(`${first.baseUrl}/health/ready`)).status).toBe(200);
  }, 300_000);

  it('Ctrl+C (SIGINT) stops the service, its embedded Postgres and the simulator', async () => {
    const postgres = postgresPid(dataDir);
    expect(postgres).toBeDefined();
    const exit = await first.stop('SIGINT');
    expect(exit.code === 130 || exit.signal === 'SIGINT' || exit.code === 0).toBe(true);
    expect(first.output()).toContain('SIGINT: stopping the demo...');
    expect(first.output()).toContain('Demo stopped.');
    expect(alive(postgres!)).toBe(false);
    expect(postgresPid(dataDir)).toBeUndefined();
    await expect(fetch(`${first.baseUrl}/health/live`)).rejects.toThrow();
  }, 60_000);

  it('second run on the same data: the same tenant and account re-pointed at the new simulator, a fresh key, the old one revoked', async () => {
    second = await startDemoProcess(dataDir);
    const output = second.output();
    expect(output).not.toContain('A default tenant was created');
    expect(second.tenantId).toBe(first.tenantId);
    expect(second.accountId).toBe(first.accountId);
    expect(second.apiKey).not.toBe(first.apiKey);
    expect(output).toMatch(/Connected account\s+\S+\s+"Demo Connect" \(updated\)/);
    expect(output).toContain('1 earlier demo key(s) revoked');

    // The first run's simulator is gone, so a working vault list proves the account follows this run's simulator.
    await expect(vaultNames(second)).resolves.toEqual(DEMO_VAULTS);
    expect((await get(second, '/v1/tenant', first.apiKey)).status).toBe(401);
    const accounts = (await get(second, '/v1/connected-accounts')).body as { data: { name: string; configVersion: number }[] };
    expect(accounts.data).toEqual([expect.objectContaining({ name: 'Demo Connect', configVersion: 2 })]);
  }, 300_000);

  it('SIGTERM stops it too', async () => {
    const postgres = postgresPid(dataDir);
    const exit = await second!.stop('SIGTERM');
    expect(exit.code === 143 || exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
    expect(second!.output()).toContain('Demo stopped.');
    expect(alive(postgres!)).toBe(false);
  }, 60_000);
});
