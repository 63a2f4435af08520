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
/** Vaults whose size is remembered (a number each), so a small vault's list stays one Connect call. */
const MAX_SIZES = 4_096;

interface Entry {
  /** ConnectClient.accountClient: the same for every request's view of the account's client. */
  client: ConnectClient;
  /** The vault's state the rows were read under. */
  fingerprint: string;
  sorted: Keyed<ItemSummary>[];
  readAt: number;
}

/** A read of a vault's whole list, begun after reading the vault's state `fingerprint`. */
interface Read {
  client: ConnectClient;
  fingerprint: string;
  load: Promise<Keyed<ItemSummary>[]>;
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
 * again. Concurrent requests that find the same fingerprint share one read of the list: each read the vault
 * after arriving, so none is served a list begun before a change it had seen complete. Vaults not known to be
 * small (their first list, or one last seen large) take this path; a vault last seen small is listed in one
 * call. Entries are per Connect client (a token change makes a new client, so a new entry), bounded in number,
 * rows and age; a list past its age is dropped even if nobody asks for it again.
 */
@Injectable()
export class ItemListingCache implements OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  private readonly reads = new Map<string, Read>();
  /** Rows in each vault's last unfiltered list, oldest first. */
  private readonly sizes = new Map<string, number>();
  private sweepTimer: NodeJS.Timeout | undefined;

  async list(client: ConnectClient, accountId: string, vaultId: string, filter: ItemFilter | undefined): Promise<ItemListing> {
    const key = `${accountId}/${vaultId}`;
    const known = this.entries.get(key);
    const account = client.accountClient;
    if (known?.client !== account && (filter !== undefined || (this.sizes.get(key) ?? LARGE_VAULT_ITEMS) < LARGE_VAULT_ITEMS)) {
      const rows = await client.listItems(vaultId, filter);
      if (filter === undefined) this.noteSize(key, rows.length);
      return { kind: 'plain', rows };
    }
    const vault = await client.getVault(vaultId);
    const fingerprint = `${vault.contentVersion}|${vault.items}|${vault.updatedAt}`;
    if (known?.client === account && known.fingerprint === fingerprint && Date.now() - known.readAt < MAX_AGE_MS) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return { kind: 'sorted', rows: known.sorted };
    }
    // Changed since: a filtered request reads only what it needs; an unfiltered one reads the list again.
    if (filter !== undefined) return { kind: 'plain', rows: await client.listItems(vaultId, filter) };
    const sorted = await this.read(key, client, vaultId, fingerprint);
    if (sorted.length >= LARGE_VAULT_ITEMS) this.remember(key, { client: account, fingerprint, sorted, readAt: Date.now() });
    else this.entries.delete(key);
    return { kind: 'sorted', rows: sorted };
  }

  onModuleDestroy(): void {
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  /** The vault's whole list, sorted, read under `fingerprint`: joins a read of the same state in flight. */
  private read(key: string, client: ConnectClient, vaultId: string, fingerprint: string): Promise<Keyed<ItemSummary>[]> {
    const current = this.reads.get(key);
    if (current?.client === client.accountClient && current.fingerprint === fingerprint) return current.load;
    const started: Read = {
      client: client.accountClient,
      fingerprint,
      load: client.listItems(vaultId).then((rows) => {
        this.noteSize(key, rows.length);
        return sortRows(rows, itemKey);
      }),
    };
    const settle = () => {
      if (this.reads.get(key) === started) this.reads.delete(key);
    };
    started.load.then(settle, settle);
    this.reads.set(key, started);
    return started.load;
  }

  private noteSize(key: string, rows: number): void {
    this.sizes.delete(key);
    this.sizes.set(key, rows);
    if (this.sizes.size > MAX_SIZES) this.sizes.delete(this.sizes.keys().next().value as string);
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
      for (const [key, entry] of this.entries) if (now - entry.readAt >= MAX_AGE_MS) this.entries.delete(key);
      this.armSweep();
    }, MAX_AGE_MS);
    this.sweepTimer.unref();
  }
}
