import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { ItemSummary } from '../connect/connect-api.types.js';
import type { ConnectClient, ItemFilter } from '../connect/connect-client.js';
import { type Keyed, sortRows } from '../vaults/sorted-page.util.js';

/** Vaults listing at least this many items are worth keeping: below it, listing and sorting cost little. */
export const LARGE_VAULT_ITEMS = 1_000;
/** Upper bound on the age of a kept list, should a Connect server not move `contentVersion` on some change. */
const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 32;
const MAX_ROWS = 50_000;

interface Entry {
  client: ConnectClient;
  /** The vault's state the rows were read under; undefined until a request has read it first. */
  fingerprint?: string;
  sorted: Keyed<ItemSummary>[];
  readAt: number;
  /** A read of the list in flight for this fingerprint. */
  pending?: { fingerprint: string; load: Promise<Keyed<ItemSummary>[]> };
}

export type ItemListing =
  /** The vault's whole list, sorted (title case-insensitively, then id), from memory or fresh. */
  | { kind: 'sorted'; rows: readonly Keyed<ItemSummary>[] }
  /** What Connect answered (possibly filtered), unsorted. */
  | { kind: 'plain'; rows: readonly ItemSummary[] };

const itemKey = (item: ItemSummary) => ({ title: item.title, id: item.id });

/**
 * Keeps the sorted item list of large vaults, so paging a 10,000-item vault does not transfer and parse
 * megabytes of JSON for every page. A kept list is served only while the vault's `contentVersion`, `items` and
 * `updatedAt` (one small GET of the vault per request) are those it was read under, which every item change
 * moves; the vault is read *before* the list, so a change racing the list only makes the next request read
 * again. Entries are per Connect client (a token change makes a new client, so a new entry), bounded in
 * number, rows and age; a list past its age is dropped even if nobody asks for it again.
 */
@Injectable()
export class ItemListingCache implements OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  private sweepTimer: NodeJS.Timeout | undefined;

  async list(client: ConnectClient, accountId: string, vaultId: string, filter: ItemFilter | undefined): Promise<ItemListing> {
    const key = `${accountId}/${vaultId}`;
    const known = this.entries.get(key);
    if (known === undefined || known.client !== client) {
      const rows = await client.listItems(vaultId, filter);
      if (filter === undefined && rows.length >= LARGE_VAULT_ITEMS) {
        const sorted = sortRows(rows, itemKey);
        this.remember(key, { client, sorted, readAt: Date.now() });
        return { kind: 'sorted', rows: sorted };
      }
      return { kind: 'plain', rows };
    }
    const vault = await client.getVault(vaultId);
    const fingerprint = `${vault.contentVersion}|${vault.items}|${vault.updatedAt}`;
    if (known.fingerprint === fingerprint && Date.now() - known.readAt < MAX_AGE_MS) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return { kind: 'sorted', rows: known.sorted };
    }
    // Changed since: a filtered request reads only what it needs; an unfiltered one reads the list again.
    if (filter !== undefined) return { kind: 'plain', rows: await client.listItems(vaultId, filter) };
    // Concurrent requests (same client) that find the same change share one read of the list.
    let pending = known.pending;
    if (pending?.fingerprint !== fingerprint) {
      const started = { fingerprint, load: client.listItems(vaultId).then((rows) => sortRows(rows, itemKey)) };
      const settle = () => {
        if (known.pending === started) known.pending = undefined;
      };
      started.load.then(settle, settle);
      known.pending = started;
      pending = started;
    }
    const sorted = await pending.load;
    if (sorted.length >= LARGE_VAULT_ITEMS) this.remember(key, { client, fingerprint, sorted, readAt: Date.now() });
    else this.entries.delete(key);
    return { kind: 'sorted', rows: sorted };
  }

  onModuleDestroy(): void {
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  private remember(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.armSweep();
    let rows = 0;
    for (const kept of this.entries.values()) rows += kept.sorted.length;
    for (const [oldest, kept] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && rows <= MAX_ROWS) break;
      if (oldest === key) continue;
      this.entries.delete(oldest);
      rows -= kept.sorted.length;
    }
  }

  /** A one-off walk of a large vault should not hold its list in memory until the next walk. */
  private armSweep(): void {
    if (this.sweepTimer !== undefined || this.entries.size === 0) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = undefined;
      const now = Date.now();
      for (const [key, entry] of this.entries) if (now - entry.readAt >= MAX_AGE_MS && entry.pending === undefined) this.entries.delete(key);
      this.armSweep();
    }, MAX_AGE_MS);
    this.sweepTimer.unref();
  }
}
