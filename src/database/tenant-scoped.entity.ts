import { Column, Index } from 'typeorm';
import { BaseEntity } from './base.entity.js';

/** Rows owned by a tenant; row-level security on `tenant_id` backs the service's own scoping. */
export abstract class TenantScopedEntity extends BaseEntity {
  @Index()
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;
}
