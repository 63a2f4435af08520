import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { IsOptional } from '../../common/http/is-optional.decorator.js';
import { MAX_TITLE_LENGTH, NO_CONTROL_CHARACTERS } from '../../vaults/connect-ref.util.js';
import { ArrayPageQueryDto } from '../../vaults/dto/array-page-query.dto.js';
import { LookupQueryDto, VaultRefDto } from '../../vaults/dto/connect-ref.dto.js';

const NO_CONTROL = { message: '$property must not contain control characters' };
export const CATEGORY_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

export class ListItemsQueryDto extends IntersectionType(ArrayPageQueryDto, LookupQueryDto) {
  @ApiPropertyOptional({ description: 'Only items with exactly this title (case-sensitive)', example: 'Production database', maxLength: MAX_TITLE_LENGTH })
  @IsOptional() @IsString() @Length(1, MAX_TITLE_LENGTH) @Matches(NO_CONTROL_CHARACTERS, NO_CONTROL)
  title?: string;

  @ApiPropertyOptional({ description: 'Only items whose title contains this text (case-sensitive)', example: 'database', maxLength: MAX_TITLE_LENGTH })
  @IsOptional() @IsString() @Length(1, MAX_TITLE_LENGTH) @Matches(NO_CONTROL_CHARACTERS, NO_CONTROL)
  titleContains?: string;

  @ApiPropertyOptional({ description: 'Only items carrying this tag', example: 'prod', maxLength: 200 })
  @IsOptional() @IsString() @Length(1, 200) @Matches(NO_CONTROL_CHARACTERS, NO_CONTROL)
  tag?: string;

  @ApiPropertyOptional({ description: 'Only items of this category (LOGIN, PASSWORD, API_CREDENTIAL, ... or a newer one)', example: 'LOGIN', pattern: CATEGORY_PATTERN.source })
  @IsOptional() @IsString() @Matches(CATEGORY_PATTERN, { message: '$property must be an upper-case category such as LOGIN' })
  category?: string;
}

/** Input of "Retrieve vault items from 1Password": the vault plus the query. */
export class ListItemsInputDto extends IntersectionType(VaultRefDto, ListItemsQueryDto) {}
