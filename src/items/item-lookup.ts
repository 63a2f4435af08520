import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { ItemSummary } from '../connect/connect-api.types.js';
import type { ConnectClient } from '../connect/connect-client.js';
import { ambiguousTitle, assertConnectIdOrThrow, LookupBy } from '../vaults/connect-ref.util.js';
import { canFilterOnServer, resolveVaultId, type VaultRef } from '../vaults/vault-lookup.js';

export interface ItemRef extends VaultRef {
  itemId: string;
}

export interface ResolvedItem {
  vaultId: string;
  itemId: string;
}

/**
 * The one item titled exactly `title`. Active items win over archived ones (an archived duplicate is not an
 * ambiguity a workflow can act on); several active matches, or several archived and no active one, answer
 * 409 AMBIGUOUS_TITLE with every candidate. Never "the oldest wins".
 */
export async function findItemByTitle(client: ConnectClient, vaultId: string, title: string): Promise<ItemSummary> {
  const listed = await client.listItems(vaultId, canFilterOnServer(title) ? { title } : undefined);
  const matches = listed.filter((item) => item.title === title && item.state !== 'DELETED' && item.trashed !== true);
  const active = matches.filter((item) => item.state === undefined || item.state === null || item.state === '');
  const candidates = active.length > 0 ? active : matches;
  if (candidates.length === 0) throw new AppException(ErrorCode.ITEM_NOT_FOUND, 'No item in the vault has this title', { by: 'title' });
  if (candidates.length > 1) {
    throw ambiguousTitle('item', title, candidates.map((item) => ({
      id: item.id,
      vaultId: item.vault?.id ?? vaultId,
      title: item.title ?? '',
      updatedAt: item.updatedAt,
      ...(item.state ? { state: item.state } : {}),
    })));
  }
  return candidates[0];
}

/** Vault and item ids a reference names; title lookups cost one list call each. */
export async function resolveItem(client: ConnectClient, ref: ItemRef): Promise<ResolvedItem> {
  assertConnectIdOrThrow('vaultId', ref.vaultId, ref.by);
  assertConnectIdOrThrow('itemId', ref.itemId, ref.by);
  const vaultId = await resolveVaultId(client, ref);
  if ((ref.by ?? LookupBy.Id) === LookupBy.Id) return { vaultId, itemId: ref.itemId };
  return { vaultId, itemId: (await findItemByTitle(client, vaultId, ref.itemId)).id };
}
