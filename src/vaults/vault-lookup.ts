import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { Vault } from '../connect/connect-api.types.js';
import type { ConnectClient } from '../connect/connect-client.js';
import { ambiguousTitle, assertConnectIdOrThrow, LookupBy } from './connect-ref.util.js';

export interface VaultRef {
  vaultId: string;
  by?: LookupBy;
}

/**
 * Connect's filter syntax cannot carry an apostrophe (it answered 500, then 400 since 1.5.2): such names are
 * matched here over the full list instead of being sent as a filter.
 */
export function canFilterOnServer(value: string): boolean {
  return !value.includes("'");
}

/** The vaults named exactly `name` (case-sensitive), however many there are. */
export async function vaultsNamed(client: ConnectClient, name: string): Promise<Vault[]> {
  const vaults = await client.listVaults(canFilterOnServer(name) ? { name } : undefined);
  return vaults.filter((vault) => vault.name === name);
}

/** The one vault named `name`: 404 VAULT_NOT_FOUND for none, 409 AMBIGUOUS_TITLE (with candidates) for several. */
export async function findVaultByName(client: ConnectClient, name: string): Promise<Vault> {
  const matches = await vaultsNamed(client, name);
  if (matches.length === 0) throw new AppException(ErrorCode.VAULT_NOT_FOUND, 'No vault has this name', { by: 'title' });
  if (matches.length > 1) {
    throw ambiguousTitle('vault', name, matches.map((v) => ({ id: v.id, vaultId: v.id, title: v.name, updatedAt: v.updatedAt })));
  }
  return matches[0];
}

/** The vault id a reference names; costs a Connect call only for `by=title`. */
export async function resolveVaultId(client: ConnectClient, ref: VaultRef): Promise<string> {
  assertConnectIdOrThrow('vaultId', ref.vaultId, ref.by);
  if ((ref.by ?? LookupBy.Id) === LookupBy.Id) return ref.vaultId;
  return (await findVaultByName(client, ref.vaultId)).id;
}
