import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsObject, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsOptional } from '../../common/http/is-optional.decorator.js';
import { VaultRefDto } from '../../vaults/dto/connect-ref.dto.js';
import { CreateItemDto, ReplaceItemDto } from './item-input.dto.js';
import { ItemRefDto } from './item-ref.dto.js';
import { PatchItemDto } from './patch-item.dto.js';

/** Printable ASCII, as Stripe and the IETF draft use; long enough for a UUID or a workflow run id plus a step. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Input of "Create a vault item in 1Password" (REST: path + body + Idempotency-Key header). */
export class CreateItemInputDto extends VaultRefDto {
  @ApiProperty({ type: CreateItemDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => CreateItemDto)
  item: CreateItemDto;

  @ApiPropertyOptional({ description: 'Makes a retried create return the first result instead of creating a second item (kept 24 h)', example: 'wf-run-8842-step-3' })
  @IsOptional() @IsString() @Matches(IDEMPOTENCY_KEY_PATTERN, { message: '$property must be 1-255 printable ASCII characters' })
  idempotencyKey?: string;
}

/** Input of the full replace (REST: path + body + If-Match header). */
export class ReplaceItemInputDto extends ItemRefDto {
  @ApiProperty({ type: ReplaceItemDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => ReplaceItemDto)
  item: ReplaceItemDto;

  @ApiPropertyOptional({ description: 'Only replace when the item is at this version (else 412 VERSION_MISMATCH)', example: 3 })
  @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647)
  ifMatch?: number;
}

/** Input of the partial update (REST: path + body + If-Match header). */
export class PatchItemInputDto extends ItemRefDto {
  @ApiProperty({ type: PatchItemDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => PatchItemDto)
  patch: PatchItemDto;

  @ApiPropertyOptional({ description: 'Only patch when the item is at this version (else 412 VERSION_MISMATCH)', example: 3 })
  @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647)
  ifMatch?: number;
}

/** Input of the delete (REST: path + If-Match header). */
export class DeleteItemInputDto extends ItemRefDto {
  @ApiPropertyOptional({ description: 'Only delete when the item is at this version (else 412 VERSION_MISMATCH)', example: 3 })
  @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647)
  ifMatch?: number;
}
