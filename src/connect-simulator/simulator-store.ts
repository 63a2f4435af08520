import { CONNECT_ID_PATTERN, VAULT_TYPES } from './connect-api.constants.js';
import type { VaultType } from './connect-api.types.js';
import { FileContent, seedFromName } from './file-content.js';
import { generateId } from './id.util.js';
import { parseItemDraft } from './item-input.util.js';
import { toRfc3339 } from './rfc3339.util.js';
import type { SeedFile, SeedItem, SeedVault } from './simulator-seed.types.js';
import type { ItemDraft, StoredFile, StoredItem, StoredVault } from './simulator-store.types.js';
import type { WireSerializer } from './wire-serializer.js';

function checkedId(id: string | undefined, what: string): string {
  if (id === undefined) return generateId();
  if (!CONNECT_ID_PATTERN.test(id)) throw new Error(`${what} id "${id}" must be 26 characters of [a-z0-9]`);
  return id;
}

/**
 * The simulator's vaults, items and files. Tests use it directly (find a vault by name, add a file...);
 * writes keep the vault counters and the cached list JSON consistent, as API writes do.
 */
export class SimulatorStore {
  private readonly vaultMap = new Map<string, StoredVault>();
  private vaultRevision = 0;

  constructor(
    private readonly clock: () => number,
    private readonly serializer: WireSerializer,
    /** Author of data that did not come through the API (seeds, generated items, added files). */
    private readonly ownerUserId: string,
  ) {}

  /** Changes whenever a vault is added, so token scopes computed for "every vault" can be refreshed. */
  get revision(): number {
    return this.vaultRevision;
  }

  vaults(): StoredVault[] {
    return [...this.vaultMap.values()];
  }

  vault(id: string): StoredVault | undefined {
    return this.vaultMap.get(id);
  }

  /** A vault by id, else by name. */
  findVault(idOrName: string): StoredVault | undefined {
    return this.vaultMap.get(idOrName) ?? this.vaults().find((vault) => vault.name === idOrName);
  }

  addVault(seed: Omit<SeedVault, 'items'>): StoredVault {
    const id = checkedId(seed.id, 'vault');
    if (this.vaultMap.has(id)) throw new Error(`vault ${id} already exists`);
    const type = seed.type ?? 'USER_CREATED';
    if (!VAULT_TYPES.has(type)) throw new Error(`vault type "${type}" is not one of ${[...VAULT_TYPES].join(', ')}`);
    const createdAt = seed.createdAt ?? toRfc3339(this.clock());
    const vault: StoredVault = {
      id,
      name: seed.name,
      description: seed.description ?? '',
      type: type as VaultType,
      attributeVersion: 1,
      contentVersion: 1,
      createdAt,
      updatedAt: createdAt,
      items: new Map(),
      listJson: undefined,
    };
    this.vaultMap.set(id, vault);
    this.vaultRevision++;
    return vault;
  }

  items(vaultId: string): StoredItem[] {
    return [...(this.vaultMap.get(vaultId)?.items.values() ?? [])];
  }

  item(vaultId: string, itemId: string): StoredItem | undefined {
    return this.vaultMap.get(vaultId)?.items.get(itemId);
  }

  findItem(vaultId: string, title: string): StoredItem | undefined {
    return this.items(vaultId).find((item) => item.title === title);
  }

  /** Adds an item the way a seed does: any category, optional id, version and timestamps, files included. */
  createItem(vaultId: string, seed: SeedItem): StoredItem {
    const vault = this.requireVault(vaultId);
    const draft = parseItemDraft(seed, { mode: 'seed' });
    if (seed.version !== undefined && !(Number.isInteger(seed.version) && seed.version >= 1)) {
      throw new Error(`item version must be a positive integer, got ${seed.version}`);
    }
    const item = this.insertItem(vault, draft, {
      id: checkedId(seed.id, 'item'),
      version: seed.version,
      createdAt: seed.createdAt,
      updatedAt: seed.updatedAt,
    });
    for (const file of seed.files ?? []) item.files.push(this.buildFile(file));
    return item;
  }

  insertItem(
    vault: StoredVault,
    draft: ItemDraft,
    meta: { id?: string; editor?: string; version?: number; createdAt?: string; updatedAt?: string } = {},
  ): StoredItem {
    const id = meta.id ?? generateId();
    if (vault.items.has(id)) throw new Error(`item ${id} already exists in vault ${vault.id}`);
    const createdAt = meta.createdAt ?? toRfc3339(this.clock());
    const item = this.buildItem(draft, vault.id, id, {
      version: meta.version ?? 1,
      createdAt,
      updatedAt: meta.updatedAt ?? createdAt,
      lastEditedBy: meta.editor ?? this.ownerUserId,
      files: [],
    });
    vault.items.set(id, item);
    this.touch(vault);
    return item;
  }

  /** Full replace (PUT and PATCH): files cannot be written through Connect, so they stay. */
  replaceItem(item: StoredItem, draft: ItemDraft, editor: string): StoredItem {
    const vault = this.requireVault(item.vaultId);
    const replaced = this.buildItem({ ...draft, state: item.state }, item.vaultId, item.id, {
      version: item.version + 1,
      createdAt: item.createdAt,
      updatedAt: toRfc3339(this.clock()),
      lastEditedBy: editor,
      files: item.files,
    });
    vault.items.set(item.id, replaced);
    this.touch(vault);
    return replaced;
  }

  deleteItem(vaultId: string, itemId: string): boolean {
    const vault = this.vaultMap.get(vaultId);
    if (!vault?.items.delete(itemId)) return false;
    this.touch(vault);
    return true;
  }

  /** Attaches a file as a 1Password app would (Connect itself has no upload): the item gets a new version. */
  addFile(vaultId: string, itemId: string, seed: SeedFile): StoredFile {
    const item = this.item(vaultId, itemId);
    if (!item) throw new Error(`item ${itemId} not found in vault ${vaultId}`);
    const file = this.buildFile(seed);
    item.files.push(file);
    item.version++;
    item.updatedAt = toRfc3339(this.clock());
    item.summaryJson = undefined;
    this.touch(this.requireVault(vaultId));
    return file;
  }

  /** Summary JSON of one item, cached until the item changes. */
  summaryJson(item: StoredItem): string {
    item.summaryJson ??= JSON.stringify(this.serializer.summary(item));
    return item.summaryJson;
  }

  /** The unfiltered list answer of a vault, cached until the next write: a 10,000-item vault lists without re-serialising. */
  itemListJson(vault: StoredVault): Buffer {
    if (!vault.listJson) {
      const parts: string[] = [];
      for (const item of vault.items.values()) parts.push(this.summaryJson(item));
      vault.listJson = Buffer.from(`[${parts.join(',')}]`);
    }
    return vault.listJson;
  }

  totalItems(): number {
    let total = 0;
    for (const vault of this.vaultMap.values()) total += vault.items.size;
    return total;
  }

  private buildFile(seed: SeedFile): StoredFile {
    let content: FileContent;
    if ('generated' in seed) content = FileContent.generated(seed.size, seedFromName(seed.name));
    else if ('bytes' in seed) content = FileContent.fromBytes(seed.bytes);
    else content = FileContent.fromBytes(Buffer.from(seed.content, 'base64'));
    const file: StoredFile = { id: checkedId(seed.id, 'file'), name: seed.name, content };
    if (seed.section) file.section = { id: seed.section.id };
    return file;
  }

  /** Every item gets the same property layout, which keeps 10,000-item vaults cheap for V8. */
  private buildItem(
    draft: ItemDraft,
    vaultId: string,
    id: string,
    meta: Pick<StoredItem, 'version' | 'createdAt' | 'updatedAt' | 'lastEditedBy' | 'files'>,
  ): StoredItem {
    return {
      id,
      vaultId,
      title: draft.title,
      category: draft.category,
      urls: draft.urls,
      favorite: draft.favorite,
      tags: draft.tags,
      state: draft.state,
      sections: draft.sections,
      fields: draft.fields,
      version: meta.version,
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
      lastEditedBy: meta.lastEditedBy,
      files: meta.files,
      summaryJson: undefined,
    };
  }

  private requireVault(vaultId: string): StoredVault {
    const vault = this.vaultMap.get(vaultId);
    if (!vault) throw new Error(`vault ${vaultId} not found`);
    return vault;
  }

  /** Every item write bumps the vault's content version and time; attributeVersion stays (Connect cannot edit vaults). */
  private touch(vault: StoredVault): void {
    vault.contentVersion++;
    vault.updatedAt = toRfc3339(this.clock());
    vault.listJson = undefined;
  }
}
