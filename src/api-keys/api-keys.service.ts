import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, IsNull } from 'typeorm';
import { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/role.enum.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { newestFirstPage } from '../common/pagination/newest-first-page.js';
import { PageQueryDto } from '../common/pagination/page-query.dto.js';
import { Page } from '../common/pagination/page.js';
import { TenantTransaction } from '../database/tenant-transaction.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { ApiKey } from './api-key.entity.js';
import { generateApiKey } from './api-key-secret.js';
import { ApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  create(principal: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.tenantTransaction.run(principal.tenantId, (manager) =>
      this.issue(manager, principal.tenantId, dto.name, dto.role, principal.keyId),
    );
  }

  /** Creates a key inside the caller's tenant transaction (also used when a tenant is created). */
  async issue(manager: EntityManager, tenantId: string, name: string, role: Role, createdByKeyId: string | null): Promise<CreatedApiKeyDto> {
    const { key, prefix, hash } = generateApiKey();
    const entity = manager.create(ApiKey, { id: randomUUID(), tenantId, name, role, prefix, keyHash: hash, createdByKeyId, lastUsedAt: null, revokedAt: null });
    await manager.insert(ApiKey, entity);
    const saved = await manager.findOneByOrFail(ApiKey, { id: entity.id });
    return { ...ApiKeyDto.from(saved), key };
  }

  list(principal: Principal, query: PageQueryDto): Promise<Page<ApiKeyDto>> {
    return this.tenantTransaction.run(principal.tenantId, (manager) =>
      newestFirstPage(manager, ApiKey, principal.tenantId, query, (row) => ApiKeyDto.from(row)),
    );
  }


  get(principal: Principal, id: string): Promise<ApiKeyDto> {
    return this.tenantTransaction.run(principal.tenantId, async (manager) => ApiKeyDto.from(await this.findOrThrow(manager, principal.tenantId, id)));
  }

  /** 409 LAST_ADMIN_KEY when the key is its tenant's last active admin key: nothing could make another one. */
  async revoke(principal: Principal, id: string): Promise<ApiKeyDto> {
    const { tenantId } = principal;
    const revoked = await this.tenantTransaction.run(tenantId, async (manager) => {
      const key = await this.findOrThrow(manager, tenantId, id);
      if (key.role === Role.Admin && !key.revokedAt) {
        // Locks the tenant's active admin keys (in id order, so two revokes cannot deadlock): a concurrent revoke
        // of another admin waits, then sees this one's outcome, so two admins cannot revoke each other.
        const active: { id: string }[] = await manager.query(
          `SELECT id FROM api_keys WHERE tenant_id = $1 AND role = $2 AND revoked_at IS NULL ORDER BY id FOR UPDATE`,
          [tenantId, Role.Admin],
        );
        if (active.length === 1 && active[0].id === id) {
          throw new AppException(ErrorCode.LAST_ADMIN_KEY, 'This is the tenant\'s last active admin key: create another admin key before revoking it', { keyId: id });
        }
      }
      await manager.update(ApiKey, { id, tenantId, revokedAt: IsNull() }, { revokedAt: new Date() });
      return manager.findOneByOrFail(ApiKey, { id });
    });
    await this.authenticator.invalidate(revoked.prefix);
    return ApiKeyDto.from(revoked);
  }

  private async findOrThrow(manager: EntityManager, tenantId: string, id: string): Promise<ApiKey> {
    const key = await manager.findOneBy(ApiKey, { id, tenantId });
    if (!key) throw new AppException(ErrorCode.API_KEY_NOT_FOUND, `API key ${id} not found`);
    return key;
  }
}
