import type { SimulatorSeed } from '../../src/connect-simulator/simulator-seed.types.js';
import { ActionsFixture, cid, startFixture } from '../actions-rest/actions-fixture.js';
import { run, runChecked, SchemaChecker } from './actions-kit.js';

const GENERATED_ITEMS = 1_234;
const EXTRA_VAULTS = 520;
const FILES = 510;
const DOCS = cid('vaultdocs');
const ARCHIVE = cid('itemarchive');
/** A plain token on every vault, those added later included (a minted one names each vault and would outgrow 4 KiB). */
const EVERY_VAULT_TOKEN = 'plain-token-every-vault';

interface Row {
  id: string;
  title?: string;
  name?: string;
}
interface Page {
  data: Row[];
  nextCursor: string | null;
}

const seed: SimulatorSeed = {
  tokens: [{ token: EVERY_VAULT_TOKEN, vaults: { '*': ['read'] } }],
  vaults: [
    {
      id: DOCS,
      name: 'Documents',
      items: [{
        id: ARCHIVE, title: 'Archive', category: 'DOCUMENT',
        files: Array.from({ length: FILES }, (_, i) => ({ name: `scan-${String(i).padStart(4, '0')}.pdf`, content: Buffer.from(`page ${i}`).toString('base64') })),
      }],
    },
  ],
};

describe('List actions: every page by default, or paged by hand', () => {
  let f: ActionsFixture;
  let schemas: SchemaChecker;
  let generated: string;

  beforeAll(async () => {
    f = await startFixture({ seed, sim: { generate: { vault: 'Generated', items: GENERATED_ITEMS } } });
    schemas = await SchemaChecker.load(f);
    generated = f.sim.store.findVault('Generated')!.id;
  });
  afterAll(() => f?.close());

  /** Walks the pages by hand through the action: `limit`, then `cursor` = the previous nextCursor. */
  async function walk(key: string, input: Record<string, unknown>, limit: number, accountId?: string): Promise<{ rows: Row[]; pages: number }> {
    const rows: Row[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = (await runChecked(f, schemas, key, { ...input, limit, ...(cursor ? { cursor } : {}) }, { accountId })) as Page;
      expect(page.data.length).toBeLessThanOrEqual(limit);
      rows.push(...page.data);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    return { rows, pages };
  }

  it(`items.list returns all ${GENERATED_ITEMS} items in one output by default, in the REST order, each once`, async () => {
    const output = (await runChecked(f, schemas, 'items.list', { vaultId: generated })) as Page;
    expect(output.nextCursor).toBeNull();
    expect(output.data).toHaveLength(GENERATED_ITEMS);
    expect(new Set(output.data.map((row) => row.id)).size).toBe(GENERATED_ITEMS);
    const rest = await f.get(`${f.base}/vaults/${generated}/items?all=true`).expect(200);
    expect(output).toEqual(rest.body);
    // The REST route alone pages by 50 by default; the action does not.
    expect((await f.get(`${f.base}/vaults/${generated}/items`).expect(200)).body.data).toHaveLength(50);
  });

  it('items.list pages by hand with limit and cursor: nothing lost, nothing repeated', async () => {
    const all = ((await runChecked(f, schemas, 'items.list', { vaultId: generated })) as Page).data;
    const { rows, pages } = await walk('items.list', { vaultId: generated }, 500);
    expect(pages).toBe(Math.ceil(GENERATED_ITEMS / 500));
    expect(rows.map((row) => row.id)).toEqual(all.map((row) => row.id));
    const first = (await runChecked(f, schemas, 'items.list', { vaultId: generated, limit: 10 })) as Page;
    expect(first.data).toHaveLength(10);
    expect(first.nextCursor).toEqual(expect.any(String));
    // `all: false` asks for the REST default page (50); `all: true` with a cursor: everything after it.
    expect(((await runChecked(f, schemas, 'items.list', { vaultId: generated, all: false })) as Page).data).toHaveLength(50);
    const rest = (await runChecked(f, schemas, 'items.list', { vaultId: generated, cursor: first.nextCursor, all: true })) as Page;
    expect(rest.data.map((row) => row.id)).toEqual(all.slice(10).map((row) => row.id));
  });

  it(`vaults.list returns all ${EXTRA_VAULTS + 2} vaults by default`, async () => {
    for (let i = 0; i < EXTRA_VAULTS; i++) f.sim.store.addVault({ name: `Team ${String(i).padStart(4, '0')}` });
    const accountId = await f.connect(EVERY_VAULT_TOKEN);
    const output = (await runChecked(f, schemas, 'vaults.list', {}, { accountId })) as Page;
    expect(output.nextCursor).toBeNull();
    expect(output.data).toHaveLength(EXTRA_VAULTS + 2);
    expect(output).toEqual((await f.get(`/v1/connected-accounts/${accountId}/vaults?all=true`).expect(200)).body);
    const { rows } = await walk('vaults.list', {}, 200, accountId);
    expect(rows.map((row) => row.id)).toEqual(output.data.map((row) => row.id));
  });

  it(`files.list returns all ${FILES} files by default`, async () => {
    const output = (await runChecked(f, schemas, 'files.list', { vaultId: DOCS, itemId: ARCHIVE })) as Page;
    expect(output.nextCursor).toBeNull();
    expect(output.data).toHaveLength(FILES);
    expect(output.data[0].name).toBe('scan-0000.pdf');
    expect(output.data[FILES - 1].name).toBe(`scan-${String(FILES - 1).padStart(4, '0')}.pdf`);
    const { rows, pages } = await walk('files.list', { vaultId: DOCS, itemId: ARCHIVE }, 500);
    expect(pages).toBe(2);
    expect(rows.map((row) => row.id)).toEqual(output.data.map((row) => row.id));
  });

  it('refuses a limit above 500 like the REST route', async () => {
    const res = await run(f, 'items.list', { vaultId: generated, limit: 501 }).expect(400);
    expect(res.body.error.details.problems).toEqual([expect.objectContaining({ property: 'input.limit' })]);
  });
});
