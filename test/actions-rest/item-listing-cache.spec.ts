import type { ItemSummary, Vault } from '../../src/connect/connect-api.types.js';
import type { ConnectClient } from '../../src/connect/connect-client.js';
import { ItemListingCache, LARGE_VAULT_ITEMS } from '../../src/items/item-listing.cache.js';

/** A Connect client that only lists items and reads the vault, counting both. */
function fakeClient(count: number) {
  const calls = { listItems: 0, getVault: 0 };
  const rows = Array.from({ length: count }, (_, i) => ({ id: `item${String(i).padStart(6, '0')}`, title: `Item ${count - i}` }) as ItemSummary);
  const client = {
    listItems: async () => {
      calls.listItems++;
      return rows;
    },
    getVault: async () => {
      calls.getVault++;
      return { contentVersion: 7, items: count, updatedAt: '2026-11-27T00:00:00Z' } as unknown as Vault;
    },
  } as unknown as ConnectClient;
  return { client, calls };
}

describe('ItemListingCache', () => {
  afterEach(() => jest.useRealTimers());

  it('serves a large vault from memory while it is young, and drops it once past its age even if nobody asks again', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-11-27T10:00:00Z') });
    const cache = new ItemListingCache();
    const { client, calls } = fakeClient(LARGE_VAULT_ITEMS);

    const first = await cache.list(client, 'acc', 'vault', undefined);
    expect(first.kind).toBe('sorted');
    expect((first.rows[0] as { row: ItemSummary }).row.title).toBe('Item 1');
    await cache.list(client, 'acc', 'vault', undefined);
    await cache.list(client, 'acc', 'vault', undefined);
    await cache.list(client, 'acc', 'vault', undefined);
    // The second request reads the vault's fingerprint (and the list under it); later ones read only the vault.
    expect(calls).toEqual({ listItems: 2, getVault: 3 });
    expect(jest.getTimerCount()).toBe(1);

    jest.advanceTimersByTime(60_000);
    // Swept: nothing is kept, so the next request reads the list without asking for the vault first.
    expect(jest.getTimerCount()).toBe(0);
    await cache.list(client, 'acc', 'vault', undefined);
    expect(calls).toEqual({ listItems: 3, getVault: 3 });
    cache.onModuleDestroy();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps nothing, and arms no timer, for a small vault', async () => {
    jest.useFakeTimers();
    const cache = new ItemListingCache();
    const { client, calls } = fakeClient(LARGE_VAULT_ITEMS - 1);
    expect((await cache.list(client, 'acc', 'vault', undefined)).kind).toBe('plain');
    await cache.list(client, 'acc', 'vault', undefined);
    expect(calls).toEqual({ listItems: 2, getVault: 0 });
    expect(jest.getTimerCount()).toBe(0);
  });
});
