import type { FullItemJson, ItemField, ItemFileJson, ItemSummaryJson, VaultJson } from './connect-api.types.js';
import type { StoredField, StoredFile, StoredItem, StoredVault } from './simulator-store.types.js';
import { totpCode } from './totp.util.js';

/** Turns stored data into Connect JSON; empty arrays are omitted the way Go's `omitempty` does. */
export class WireSerializer {
  constructor(private readonly clock: () => number) {}

  vault(vault: StoredVault): VaultJson {
    return {
      id: vault.id,
      name: vault.name,
      ...(vault.description && { description: vault.description }),
      attributeVersion: vault.attributeVersion,
      contentVersion: vault.contentVersion,
      items: countActive(vault),
      type: vault.type,
      createdAt: vault.createdAt,
      updatedAt: vault.updatedAt,
    };
  }

  summary(item: StoredItem): ItemSummaryJson {
    return {
      id: item.id,
      title: item.title,
      vault: { id: item.vaultId },
      category: item.category,
      ...(item.urls.length > 0 && { urls: item.urls.map((url) => ({ ...url })) }),
      favorite: item.favorite,
      ...(item.tags.length > 0 && { tags: [...item.tags] }),
      version: item.version,
      ...(item.state && { state: item.state }),
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      lastEditedBy: item.lastEditedBy,
    };
  }

  fullItem(item: StoredItem): FullItemJson {
    const json: FullItemJson = this.summary(item);
    if (item.sections.length > 0) json.sections = item.sections.map((section) => ({ ...section }));
    if (item.fields.length > 0) {
      const now = this.clock();
      json.fields = item.fields.map((field) => this.field(field, now));
    }
    if (item.files.length > 0) json.files = item.files.map((file) => this.file(item, file, false));
    return json;
  }

  file(item: StoredItem, file: StoredFile, inline: boolean): ItemFileJson {
    const json: ItemFileJson = {
      id: file.id,
      name: file.name,
      size: file.content.size,
      content_path: `/v1/vaults/${item.vaultId}/items/${item.id}/files/${file.id}/content`,
    };
    if (file.section) json.section = { ...file.section };
    if (inline) json.content = file.content.bytes().toString('base64');
    return json;
  }

  private field(field: StoredField, now: number): ItemField {
    const json: ItemField = {
      id: field.id,
      ...(field.section && { section: { ...field.section } }),
      type: field.type,
      ...(field.purpose !== undefined && { purpose: field.purpose }),
      ...(field.label !== undefined && { label: field.label }),
      ...(field.value !== undefined && { value: field.value }),
      ...(field.entropy !== undefined && { entropy: field.entropy }),
    };
    if (field.type === 'OTP' && field.value) {
      const totp = totpCode(field.value, now);
      if (totp) json.totp = totp;
    }
    return json;
  }
}

/** Archived items stay listed but do not count in the vault's `items` [inferred]. */
function countActive(vault: StoredVault): number {
  let count = 0;
  for (const item of vault.items.values()) if (!item.state) count++;
  return count;
}
