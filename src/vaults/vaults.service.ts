import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal.js';
import type { Page } from '../common/pagination/page.js';
import type { Vault } from '../connect/connect-api.types.js';
import { ConnectClientRegistry } from '../connected-accounts/connect-client.registry.js';
import { assertConnectIdOrThrow, LookupBy } from './connect-ref.util.js';
import type { ListVaultsQueryDto } from './dto/list-vaults-query.dto.js';
import type { VaultRefDto } from './dto/connect-ref.dto.js';
import type { VaultDto } from './dto/vault.dto.js';
import { pageSorted, toPageRequest } from './sorted-page.util.js';
import { findVaultByName, vaultsNamed } from './vault-lookup.js';

const vaultKey = (vault: Vault) => ({ title: vault.name, id: vault.id });

/**
 * "Retrieve vaults from 1Password" and "Retrieve a vault from 1Password". Each public method is one Wrk
 * action: (principal, connected account id, validated input) → plain output.
 */
@Injectable()
export class VaultsService {
  constructor(private readonly registry: ConnectClientRegistry) {}

  /** The vaults the account's token can see, by name (case-insensitive) then id, paginated. */
  async list(principal: Principal, accountId: string, input: ListVaultsQueryDto): Promise<Page<VaultDto>> {
    const page = toPageRequest(input);
    const client = await this.registry.forPrincipal(principal, accountId);
    const vaults = input.name === undefined ? await client.listVaults() : await vaultsNamed(client, input.name);
    return pageSorted(vaults, vaultKey, page) as Page<VaultDto>;
  }

  async get(principal: Principal, accountId: string, input: VaultRefDto): Promise<VaultDto> {
    assertConnectIdOrThrow('vaultId', input.vaultId, input.by);
    const client = await this.registry.forPrincipal(principal, accountId);
    if (input.by === LookupBy.Title) return findVaultByName(client, input.vaultId) as Promise<VaultDto>;
    return client.getVault(input.vaultId) as Promise<VaultDto>;
  }
}
