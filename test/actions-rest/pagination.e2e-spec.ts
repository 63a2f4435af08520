import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import { ActionsFixture, startFixture } from './actions-fixture.js';

const GENERATED = 1_234;

interface Summary {
  id: string;
  title: string;
}

describe('Pagination over whole Connect lists (REST)', () => {
  let f: ActionsFixture;
  let vaultId: string;

  beforeAll(async () => {
    f = await startFixture({ seed: { vaults: [] }, sim: { generate: { vault: 'Generated', items: GENERATED } } });
    vaultId = f.sim.store.findVault('Generated')!.id;
  });
  afterAll(() => f?.close());

  const page = (query: string) => f.get(`${f.base}/vaults/${vaultId}/items?${query}`).expect(200);

  it(`walks ${GENERATED} items 100 at a time: each item exactly once, in title-then-id order`, async () => {
    f.sim.clearRequests();
    const seen: Summary[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await page(`limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.body.data.length).toBeLessThanOrEqual(100);
      seen.push(...res.body.data);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(GENERATED / 100));
    // A large vault's list is kept: later pages cost one small GET of the vault (its content version), not the list.
    const listCalls = f.sim.requests().filter((r) => r.path === `/v1/vaults/${vaultId}/items`);
    expect(listCalls.length).toBeLessThanOrEqual(2);
    expect(new Set(seen.map((s) => s.id)).size).toBe(GENERATED);
    const keys = seen.map((s) => [s.title.toLowerCase(), s.id]);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    expect(keys).toEqual(sorted);
  });

  it('loses and repeats nothing when items are created and deleted between pages', async () => {
    const all = (await page('all=true')).body.data as Summary[];
    expect(all).toHaveLength(GENERATED);
    const first = await page('limit=300');
    const served = new Set<string>(first.body.data.map((s: Summary) => s.id));
    // Between two pages: an item already served and one not yet served are deleted, two are created.
    const deletedServed = first.body.data[10].id as string;
    const deletedAhead = all[900].id;
    await f.del(`${f.base}/vaults/${vaultId}/items/${deletedServed}`).expect(204);
    await f.del(`${f.base}/vaults/${vaultId}/items/${deletedAhead}`).expect(204);
    await f.post(`${f.base}/vaults/${vaultId}/items`, { title: 'AAA created before the cursor', category: 'PASSWORD' }).expect(201);
    await f.post(`${f.base}/vaults/${vaultId}/items`, { title: 'zzz created after the cursor', category: 'PASSWORD' }).expect(201);

    const rest: Summary[] = [];
    let cursor: string | null = first.body.nextCursor;
    while (cursor) {
      const res = await page(`limit=500&cursor=${cursor}`);
      rest.push(...res.body.data);
      cursor = res.body.nextCursor;
    }
    const restIds = rest.map((s) => s.id);
    expect(restIds.filter((id) => served.has(id))).toEqual([]);
    expect(new Set(restIds).size).toBe(restIds.length);
    const expected = all.map((s) => s.id).filter((id) => !served.has(id) && id !== deletedAhead);
    expect(restIds.filter((id) => expected.includes(id))).toEqual(expected);
    expect(rest.map((s) => s.title)).toContain('zzz created after the cursor');
    expect(rest.map((s) => s.title)).not.toContain('AAA created before the cursor');
  });

  it('serves the first page of a 10,000-item vault repeatedly, and all=true in one page', async () => {
    const big = await ConnectSimulator.start({ port: 0, seed: { vaults: [] }, generate: { vault: 'Big', items: 10_000 } });
    try {
      const accountId = await f.connect(big.defaultToken(), big.url);
      const bigVault = big.store.findVault('Big')!.id;
      const url = `/v1/connected-accounts/${accountId}/vaults/${bigVault}/items`;
      await f.get(url).expect(200); // warm: client, keep-alive socket, JIT
      // Speed is the benchmark's job (npm run bench: "list 10,000 items: first page"); here, correctness of repeated reads.
      for (let i = 0; i < 3; i++) {
        const res = await f.get(url).expect(200);
        expect(res.body.data).toHaveLength(50);
      }
      const all = await f.get(`${url}?all=true`).expect(200);
      expect(all.body.data).toHaveLength(10_000);
      expect(all.body.nextCursor).toBeNull();
    } finally {
      await big.stop();
    }
  });
});
