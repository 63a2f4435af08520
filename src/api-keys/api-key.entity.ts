import { Column, Entity } from 'typeorm';
import { Role } from '../common/auth/role.enum.js';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';

/** An API key is stored only as a SHA-256 hash; `prefix` is its visible, unique lookup handle. */
@Entity('api_keys')
export class ApiKey extends TenantScopedEntity {
  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ type: 'text', unique: true })
  prefix: string;

  @Column({ name: 'key_hash', type: 'bytea', select: false })
  keyHash: Buffer;

  @Column({ name: 'created_by_key_id', type: 'uuid', nullable: true })
  createdByKeyId: string | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
