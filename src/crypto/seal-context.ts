/**
 * Where a sealed secret lives. Authenticated as associated data, so a ciphertext copied to another
 * tenant's, account's or purpose's row fails to open.
 */
export interface SealContext {
  readonly tenantId: string;
  readonly accountId: string;
  /** What the secret is for, e.g. 'connect-token'; usually the column. */
  readonly purpose: string;
}
