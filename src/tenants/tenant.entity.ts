import { Column, Entity } from 'typeorm';
import { BaseEntity } from '../database/base.entity.js';

@Entity('tenants')
export class Tenant extends BaseEntity {
  @Column({ type: 'text' })
  name: string;
}
