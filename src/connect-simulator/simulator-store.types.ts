import type { ItemSection, ItemState, ItemUrl, VaultType } from './connect-api.types.js';
import type { FileContent } from './file-content.js';

export interface StoredField {
  id: string;
  section?: { id: string };
  type: string;
  purpose?: string;
  label?: string;
  value?: string;
  entropy?: number;
}

export interface StoredFile {
  id: string;
  name: string;
  section?: { id: string };
  content: FileContent;
}

/** The validated, writable part of an item: what a create, PUT or PATCH supplies. */
export interface ItemDraft {
  title: string;
  category: string;
  urls: ItemUrl[];
  favorite: boolean;
  tags: string[];
  state?: ItemState;
  sections: ItemSection[];
  fields: StoredField[];
}

export interface StoredItem extends ItemDraft {
  id: string;
  vaultId: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  lastEditedBy: string;
  files: StoredFile[];
  /** Cached list-endpoint JSON, dropped on every write. */
  summaryJson?: string;
}

export interface StoredVault {
  id: string;
  name: string;
  description: string;
  type: VaultType;
  attributeVersion: number;
  contentVersion: number;
  createdAt: string;
  updatedAt: string;
  items: Map<string, StoredItem>;
  /** Cached unfiltered item list, dropped on every write to the vault. */
  listJson?: Buffer;
}
