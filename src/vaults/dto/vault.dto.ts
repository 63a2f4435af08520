import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * A vault exactly as the Connect server describes it. Properties newer Connect versions add are passed
 * through unchanged, and an unknown `type` is kept as sent.
 */
export class VaultDto {
  @ApiProperty({ example: 'ytrfte14kw1uex5txaore1emkz' })
  id: string;

  @ApiProperty({ example: 'Engineering' })
  name: string;

  @ApiPropertyOptional({ example: 'Shared credentials of the engineering team' })
  description?: string;

  @ApiPropertyOptional({ description: "Version of the vault's own attributes (name, description)", example: 1 })
  attributeVersion?: number;

  @ApiPropertyOptional({ description: "Version of the vault's contents; moves with every item change", example: 42 })
  contentVersion?: number;

  @ApiPropertyOptional({ description: 'Number of active items', example: 17 })
  items?: number;

  @ApiPropertyOptional({ description: 'USER_CREATED, PERSONAL, EVERYONE, TRANSFER, or a newer type passed through', example: 'USER_CREATED' })
  type?: string;

  @ApiPropertyOptional({ example: '2026-11-20T09:12:45Z' })
  createdAt?: string;

  @ApiPropertyOptional({ example: '2026-11-27T15:00:00Z' })
  updatedAt?: string;
}
