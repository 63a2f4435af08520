import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type IdempotencyState = 'in_progress' | 'completed' | 'unknown';

/**
 * One Idempotency-Key of an item create (migrations/1764201800000-idempotency-keys.ts). Holds an HMAC of the
 * request and the created item's ids, never the body or a field value.
 */
@Entity('idempotency_keys')
export class IdempotencyKey {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'text' })
  key: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'request_hash', type: 'bytea' })
  requestHash: Buffer;

  @Column({ name: 'hash_key_id', type: 'text' })
  hashKeyId: string;

  @Column({ type: 'text' })
  state: IdempotencyState;

  @Column({ name: 'vault_id', type: 'text', nullable: true })
  vaultId: string | null;

  @Column({ name: 'item_id', type: 'text', nullable: true })
  itemId: string | null;

  @Column({ name: 'item_version', type: 'integer', nullable: true })
  itemVersion: number | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz' })
  leaseExpiresAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
