import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import { parseSimulatorArgs } from '../../src/connect-simulator/simulator-cli.util.js';
import { connectClient } from './connect-client.helper.js';

// The CLI's flags, and the demo data set a flag-less start serves.
describe('Connect simulator: CLI options and demo data', () => {
  it('defaults to port 8080 and reads SIMULATOR_PORT / SIMULATOR_SEED', () => {
    expect(parseSimulatorArgs([], {})).toEqual({ help: false, options: { port: 8080 } });
    expect(parseSimulatorArgs([], { SIMULATOR_PORT: '9000', SIMULATOR_SEED: '/tmp/seed.json' }).options).toEqual({ port: 9000, seed: '/tmp/seed.json' });
    expect(parseSimulatorArgs(['--port', '0', '--seed=a.json'], { SIMULATOR_PORT: '9000', SIMULATOR_SEED: 'b.json' }).options).toEqual({ port: 0, seed: 'a.json' });
  });

  it('maps every flag to simulator options and fault settings', () => {
    const { options } = parseSimulatorArgs(
      [
        '--port', '8081', '--host', '0.0.0.0', '--generate', '10000', '--vault', 'Bench', '--latency', '25',
        '--error-rate', '0.1', '--error-statuses', '503,429', '--retry-after', '3', '--sync-timeout-rate', '0.05',
        '--sync-timeout-ms', '500', '--reset-rate', '0.01', '--sync-not-ready', '--admin-secret', 's3cret',
        '--inline-limit-kb', '64', '--connect-version', '1.8.1',
      ],
      {},
    );
    expect(options).toEqual({
      port: 8081,
      host: '0.0.0.0',
      generate: { items: 10000, vault: 'Bench' },
      syncTimeoutMs: 500,
      adminSecret: 's3cret',
      inlineFileLimitBytes: 65536,
      version: '1.8.1',
      faults: { latencyMs: 25, errorRate: 0.1, errorStatuses: [503, 429], retryAfterSeconds: 3, syncTimeoutRate: 0.05, resetRate: 0.01, syncReady: false },
    });
  });

  it('rejects unknown flags and bad values', () => {
    expect(() => parseSimulatorArgs(['--nope', '1'], {})).toThrow('unknown option --nope');
    expect(() => parseSimulatorArgs(['--nope'], {})).toThrow('unknown option --nope');
    expect(() => parseSimulatorArgs(['seed.json'], {})).toThrow('unexpected argument "seed.json"');
    expect(() => parseSimulatorArgs([], { SIMULATOR_PORT: 'x' })).toThrow(/SIMULATOR_PORT/);
    expect(() => parseSimulatorArgs(['--error-rate', '1.5'], {})).toThrow(/--error-rate/);
    expect(() => parseSimulatorArgs(['--port', 'abc'], {})).toThrow(/--port/);
    expect(() => parseSimulatorArgs(['--port'], {})).toThrow('--port needs a value');
    expect(() => parseSimulatorArgs(['--vault', 'x'], {})).toThrow(/--generate/);
    expect(parseSimulatorArgs(['--help'], {}).help).toBe(true);
  });

  it('serves the built-in demo data set, with a generated all-vault token, when no seed is given', async () => {
    const sim = await ConnectSimulator.start();
    try {
      expect(sim.tokens).toHaveLength(0);
      const api = connectClient(sim);
      const vaults = (await api.get('/v1/vaults')).body.map((v: { name: string }) => v.name);
      expect(vaults).toEqual(['Engineering', 'Marketing', 'Private']);
      expect(sim.tokens).toHaveLength(1);
      const engineering = sim.store.findVault('Engineering')!;
      const items = (await api.get(`/v1/vaults/${engineering.id}/items`)).body.map((i: { category: string }) => i.category);
      expect(items).toEqual(expect.arrayContaining(['LOGIN', 'API_CREDENTIAL', 'DATABASE', 'SECURE_NOTE']));
      const github = (await api.get(`/v1/vaults/${engineering.id}/items/${sim.store.findItem(engineering.id, 'GitHub')!.id}`)).body;
      expect(github.fields.find((f: { type: string }) => f.type === 'OTP').totp).toMatch(/^\d{6}$/);
      const withFiles = sim.store.findItem(engineering.id, 'TLS certificate')!;
      expect((await api.get(`/v1/vaults/${engineering.id}/items/${withFiles.id}/files?inline_files=true`)).status).toBe(413);
    } finally {
      await sim.stop();
    }
  });

  it('loads a seed file from a path and reports seed errors clearly', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'connect-sim-'));
    const file = join(dir, 'seed.json');
    await writeFile(file, JSON.stringify({ tokens: [{ token: 't1', vaults: { Ops: ['read'] } }], vaults: [{ name: 'Ops', items: [{ title: 'x', category: 'LOGIN' }] }] }));
    const sim = await ConnectSimulator.start({ seed: file });
    try {
      expect((await connectClient(sim, 't1').get('/v1/vaults')).body.map((v: { name: string }) => v.name)).toEqual(['Ops']);
    } finally {
      await sim.stop();
    }
    await expect(ConnectSimulator.start({ seed: join(dir, 'missing.json') })).rejects.toThrow(/cannot read seed file/);
    await expect(ConnectSimulator.start({ seed: { vaults: [{ name: 'V', items: [{ title: 'bad', category: 'NOPE' }] }] } })).rejects.toThrow(
      'Invalid seed: vault "V" item 0 ("bad"): Invalid item category',
    );
    await expect(ConnectSimulator.start({ seed: { tokens: [{ token: 't', vaults: { Nowhere: ['read'] } }] } })).rejects.toThrow(/unknown vault "Nowhere"/);
    await expect(ConnectSimulator.start({ seed: { vaults: [{ id: 'short', name: 'V' }] } })).rejects.toThrow(/26 characters/);
  });
});
