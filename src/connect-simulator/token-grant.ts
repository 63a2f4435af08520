export interface VaultAccess {
  read: boolean;
  write: boolean;
}

/** What an authenticated bearer token may do: per-vault access, or one access for every vault (`*` seed scopes). */
export class TokenGrant {
  constructor(
    readonly jti: string,
    readonly userId: string,
    readonly accountId: string,
    private readonly vaults: ReadonlyMap<string, VaultAccess>,
    private readonly everyVault?: VaultAccess,
  ) {}

  accessTo(vaultId: string): VaultAccess | undefined {
    return this.vaults.get(vaultId) ?? this.everyVault;
  }
}
