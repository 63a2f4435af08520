import { ApiProperty } from '@nestjs/swagger';
import { CreatedApiKeyDto } from '../../api-keys/dto/api-key.dto.js';
import { Tenant } from '../tenant.entity.js';

export class TenantDto {
  @ApiProperty({ format: 'uuid', example: '7d4f3c2a-1b0e-4f8d-9c6b-5a4e3d2c1b0a' })
  id: string;

  @ApiProperty({ example: 'Acme Corp' })
  name: string;

  @ApiProperty({ example: '2026-11-27T15:00:00.000Z' })
  createdAt: string;

  static from(tenant: Tenant): TenantDto {
    return { id: tenant.id, name: tenant.name, createdAt: tenant.createdAt.toISOString() };
  }
}

export class CreatedTenantDto {
  @ApiProperty({ type: TenantDto })
  tenant: TenantDto;

  @ApiProperty({ type: CreatedApiKeyDto, description: 'The tenant\'s first admin key, shown once' })
  apiKey: CreatedApiKeyDto;
}
