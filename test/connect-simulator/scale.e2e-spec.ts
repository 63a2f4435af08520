import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import { connectClient } from './connect-client.helper.js';

// Scale: `generate` fills a vault with 10,000 LOGIN items and the list endpoint serves them from a cached answer.
describe('Connect simulator: scale', () => {
  let sim: ConnectSimulator;
  let startMs: number;

  beforeAll(async () => {
    const started = performance.now();
    sim = await ConnectSimulator.start({ seed: { vaults: [{ name: 'Existing' }] }, generate: { items: 10_000 } });
    startMs = performance.now() - started;
  });
  afterAll(() => sim.stop());

  it('generates 10,000 realistic LOGIN items in a "Generated" vault quickly', async () => {
    expect(startMs).toBeLessThan(5_000);
    const vault = sim.store.findVault('Generated')!;
    expect(vault.items.size).toBe(10_000);
    const item = (await connectClient(sim).get(`/v1/vaults/${vault.id}/items/${sim.store.items(vault.id)[0].id}`)).body;
    expect(item).toMatchObject({ title: 'Postgres staging 00001', category: 'LOGIN', tags: ['staging', 'postgres'] });
    expect(item.fields.map((f: { id: string }) => f.id)).toEqual(['username', 'password', 'notesPlain']);
    expect(item.fields[1].value).toMatch(/^.{24}$/);
  });

  it('lists a 10,000-item vault correctly and fast, before and after a write', async () => {
    const api = connectClient(sim);
    const vault = sim.store.findVault('Generated')!;
    const list = async () => {
      const started = performance.now();
      const res = await api.get(`/v1/vaults/${vault.id}/items`);
      return { ms: performance.now() - started, body: res.body as { id: string; title: string; fields?: unknown }[] };
    };
    const first = await list();
    expect(first.body).toHaveLength(10_000);
    expect(new Set(first.body.map((i) => i.id)).size).toBe(10_000);
    expect(first.body.every((i) => i.fields === undefined)).toBe(true);
    // A sanity bound only (a hang, not a speed target): speed is measured by npm run bench.
    expect(first.ms).toBeLessThan(5_000);

    await api.post(`/v1/vaults/${vault.id}/items`, { title: 'one more', category: 'LOGIN' });
    const second = await list();
    expect(second.body).toHaveLength(10_001);
    expect(second.body[10_000].title).toBe('one more');
    expect(second.ms).toBeLessThan(5_000);
  });

  it('filters a 10,000-item vault', async () => {
    const api = connectClient(sim);
    const vault = sim.store.findVault('Generated')!;
    const filtered = (filter: string) => api.get(`/v1/vaults/${vault.id}/items?filter=${encodeURIComponent(filter)}`);
    expect((await filtered('title eq "Postgres staging 00001"')).body).toHaveLength(1);
    expect((await filtered('tag eq "prod"')).body).toHaveLength(3_333);
    expect((await filtered('title co "GitHub"')).body).toHaveLength(1_000);
  });

  it('adds generated items to an existing vault named by `generate.vault`', async () => {
    const other = await ConnectSimulator.start({ seed: { vaults: [{ name: 'Existing' }] }, generate: { vault: 'Existing', items: 25 } });
    try {
      expect(other.store.vaults().map((v) => [v.name, v.items.size])).toEqual([['Existing', 25]]);
    } finally {
      await other.stop();
    }
  });
});
