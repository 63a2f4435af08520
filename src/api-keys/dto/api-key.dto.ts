import { ApiProperty } from '@nestjs/swagger';
import { Role } from '../../common/auth/role.enum.js';
import { ApiKey } from '../api-key.entity.js';

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid', example: '0b8e0c53-4f0e-4b7e-9d8a-2f1a9c7e6d51' })
  id: string;

  @ApiProperty({ example: 'workflow-runner' })
  name: string;

  @ApiProperty({ enum: Role, enumName: 'Role', example: Role.Operator })
  role: Role;

  @ApiProperty({ description: 'Visible start of the key, for telling keys apart', example: 'wrk_k3j9x2m4p7qa' })
  prefix: string;

  @ApiProperty({ example: '2026-11-27T15:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ nullable: true, example: '2026-11-27T15:05:00.000Z' })
  lastUsedAt: string | null;

  @ApiProperty({ nullable: true, example: null })
  revokedAt: string | null;

  static from(key: ApiKey): ApiKeyDto {
    return {
      id: key.id,
      name: key.name,
      role: key.role,
      prefix: key.prefix,
      createdAt: key.createdAt.toISOString(),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
    };
  }
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The secret key. Shown once: store it now, it cannot be read again.', example: 'wrk_k3j9x2m4p7qa_Jx2v…' })
  key: string;
}
