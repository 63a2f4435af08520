import type { ItemSummary, Vault } from '../../src/connect/connect-api.types.js';
import type { ConnectClient } from '../../src/connect/connect-client.js';
import { ItemListingCache, LARGE_VAULT_ITEMS } from '../../src/items/item-listing.cache.js';

/**
 * A Connect client that only lists items and reads the vault, counting both. `state.version` is the vault's
 * content version; `state.hold` makes list reads wait until `release()`.
 */
function fakeClient(count: number) {
  const calls = { listItems: 0, getVault: 0 };
  const state = { version: 7, hold: false };
  let waiting: (() => void)[] = [];
  const rows = Array.from({ length: count }, (_, i) => ({ id: `item${String(i).padStart(6, '0')}`, title: `Item ${count - i}` }) as ItemSummary);
  const client = {
    listItems: async () => {
      calls.listItems++;
      if (state.hold) await new Promise<void>((resolve) => waiting.push(resolve));
      return rows;
    },
    getVault: async () => {
      calls.getVault++;
      return { contentVersion: state.version, items: count, updatedAt: '2026-11-27T00:00:00Z' } as unknown as Vault;
    },
  } as unknown as ConnectClient;
  Object.assign(client, { accountClient: client });
  const release = () => {
    for (const resolve of waiting) resolve();
    waiting = [];
  };
  /** A per-request view of the client, as ConnectClient.after makes: another object, the same account client. */
  const view = () => Object.create(client) as ConnectClient;
  return { client, view, calls, state, release };
}

describe('ItemListingCache', () => {
  afterEach(() => jest.useRealTimers());

  it('serves a large vault from memory while it is young, and drops it once past its age even if nobody asks again', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-11-27T10:00:00Z') });
    const cache = new ItemListingCache();
    const { client, view, calls } = fakeClient(LARGE_VAULT_ITEMS);

    const first = await cache.list(client, 'acc', 'vault', undefined);
    expect(first.kind).toBe('sorted');
    expect((first.rows[0] as { row: ItemSummary }).row.title).toBe('Item 1');
    await cache.list(client, 'acc', 'vault', undefined);
    await cache.list(view(), 'acc', 'vault', undefined);
    await cache.list(view(), 'acc', 'vault', undefined);
    // A vault not known to be small: its state first, then the list under it; later requests (each with its own
    // view of the account's client) read only the vault.
    expect(calls).toEqual({ listItems: 1, getVault: 4 });
    expect(jest.getTimerCount()).toBe(1);

    jest.advanceTimersByTime(60_000);
    // Swept: the list is gone, its size is not, so the next request reads the vault's state, then the list.
    expect(jest.getTimerCount()).toBe(0);
    await cache.list(client, 'acc', 'vault', undefined);
    expect(calls).toEqual({ listItems: 2, getVault: 5 });
    cache.onModuleDestroy();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps nothing, and arms no timer, for a small vault, which it lists in one call once it knows the size', async () => {
    jest.useFakeTimers();
    const cache = new ItemListingCache();
    const { client, calls } = fakeClient(LARGE_VAULT_ITEMS - 1);
    await cache.list(client, 'acc', 'vault', undefined);
    expect((await cache.list(client, 'acc', 'vault', undefined)).kind).toBe('plain');
    await cache.list(client, 'acc', 'vault', undefined);
    expect(calls).toEqual({ listItems: 3, getVault: 1 });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('shares one read between concurrent first requests, but not with a request that saw the vault change', async () => {
    const cache = new ItemListingCache();
    const { view, calls, state, release } = fakeClient(LARGE_VAULT_ITEMS);
    state.hold = true;
    const early = Array.from({ length: 8 }, () => cache.list(view(), 'acc', 'vault', undefined));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual({ listItems: 1, getVault: 8 });

    // An item changed (the vault's state moved) while that read was in flight: a request arriving now reads again.
    state.version = 8;
    const late = cache.list(view(), 'acc', 'vault', undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual({ listItems: 2, getVault: 9 });

    release();
    const answers = await Promise.all([...early, late]);
    expect(answers.every((answer) => answer.kind === 'sorted' && answer.rows.length === LARGE_VAULT_ITEMS)).toBe(true);
    // The newer read is the one kept.
    await cache.list(view(), 'acc', 'vault', undefined);
    expect(calls).toEqual({ listItems: 2, getVault: 10 });
    cache.onModuleDestroy();
  });
});
