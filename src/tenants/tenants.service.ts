import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { Role } from '../common/auth/role.enum.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { TenantTransaction } from '../database/tenant-transaction.js';
import { CreatedTenantDto, TenantDto } from './dto/tenant.dto.js';
import { Tenant } from './tenant.entity.js';

@Injectable()
export class TenantsService {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly apiKeys: ApiKeysService,
    private readonly dataSource: DataSource,
  ) {}

  /** A new tenant and its first admin key, in one transaction scoped to the new tenant. */
  create(name: string): Promise<CreatedTenantDto> {
    const id = randomUUID();
    return this.tenantTransaction.run(id, async (manager) => {
      await manager.insert(Tenant, { id, name });
      const tenant = await manager.findOneByOrFail(Tenant, { id });
      const apiKey = await this.apiKeys.issue(manager, id, 'initial admin key', Role.Admin, null);
      return { tenant: TenantDto.from(tenant), apiKey };
    });
  }

  get(tenantId: string): Promise<TenantDto> {
    return this.tenantTransaction.run(tenantId, async (manager) => {
      const tenant = await manager.findOneBy(Tenant, { id: tenantId });
      if (!tenant) throw new AppException(ErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
      return TenantDto.from(tenant);
    });
  }

  /** Row-level security hides every tenant from the app role, so existence is asked through a narrow function. */
  async anyExists(): Promise<boolean> {
    const [row] = await this.dataSource.query('SELECT any_tenant_exists() AS exists');
    return row.exists === true;
  }
}
