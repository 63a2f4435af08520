import { Column, Entity } from 'typeorm';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';
import type { Sealed, SealedTokenColumns } from './sealed-token.columns.js';

export type ConnectedAccountStatus = 'verified' | 'unverified' | 'failing';
export const CONNECTED_ACCOUNT_STATUSES: readonly ConnectedAccountStatus[] = ['verified', 'unverified', 'failing'];

/**
 * A vault the account's token can see. `read`/`write` come from the token's claims when they can be
 * decoded (null when not); `name` from the Connect server's vault list at the last verification.
 */
export interface TokenVaultAccess {
  id: string;
  name: string | null;
  read: boolean | null;
  write: boolean | null;
}

/**
 * A tenant's Connect Server URL and token. The token is held only as the parts of a SealedSecret
 * (envelope-encrypted, AAD bound to tenant and account): the branded column types accept nothing but the
 * output of `sealedTokenColumns()`, so plaintext cannot be assigned to a column.
 */
@Entity('connected_accounts')
export class ConnectedAccount extends TenantScopedEntity implements SealedTokenColumns {
  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'connect_server_url', type: 'text' })
  connectServerUrl: string;

  @Column({ name: 'token_version', type: 'smallint' })
  tokenVersion: Sealed<1>;

  @Column({ name: 'token_key_id', type: 'text' })
  tokenKeyId: Sealed<string>;

  @Column({ name: 'token_iv', type: 'bytea' })
  tokenIv: Sealed<Buffer>;

  @Column({ name: 'token_tag', type: 'bytea' })
  tokenTag: Sealed<Buffer>;

  @Column({ name: 'token_wrapped_key', type: 'bytea' })
  tokenWrappedKey: Sealed<Buffer>;

  @Column({ name: 'token_ciphertext', type: 'bytea' })
  tokenCiphertext: Sealed<Buffer>;

  @Column({ name: 'token_last4', type: 'text' })
  tokenLast4: string;

  @Column({ name: 'token_sha256_prefix', type: 'text' })
  tokenSha256Prefix: string;

  @Column({ type: 'text' })
  status: ConnectedAccountStatus;

  @Column({ name: 'last_verified_at', type: 'timestamptz', nullable: true })
  lastVerifiedAt: Date | null;

  @Column({ name: 'last_verification_error_code', type: 'text', nullable: true })
  lastVerificationErrorCode: string | null;

  @Column({ name: 'server_version', type: 'text', nullable: true })
  serverVersion: string | null;

  @Column({ name: 'token_vaults', type: 'jsonb', nullable: true })
  tokenVaults: TokenVaultAccess[] | null;

  /** Bumped by every change of name, URL or token; the client registry keys its cache on it. */
  @Column({ name: 'config_version', type: 'integer' })
  configVersion: number;

  /** Logs and serialisation show what the row is, never its sealed bytes. */
  toJSON(): Record<string, unknown> {
    return { id: this.id, tenantId: this.tenantId, name: this.name, connectServerUrl: this.connectServerUrl, tokenKeyId: this.tokenKeyId, configVersion: this.configVersion };
  }
}
