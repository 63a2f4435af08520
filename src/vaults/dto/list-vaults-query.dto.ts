import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { IsOptional } from '../../common/http/is-optional.decorator.js';
import { MAX_TITLE_LENGTH, NO_CONTROL_CHARACTERS } from '../connect-ref.util.js';
import { ArrayPageQueryDto } from './array-page-query.dto.js';

/** Input of "Retrieve vaults from 1Password". */
export class ListVaultsQueryDto extends ArrayPageQueryDto {
  @ApiPropertyOptional({ description: 'Only the vaults with exactly this name (case-sensitive)', example: 'Engineering', maxLength: MAX_TITLE_LENGTH })
  @IsOptional() @IsString() @Length(1, MAX_TITLE_LENGTH) @Matches(NO_CONTROL_CHARACTERS, { message: '$property must not contain control characters' })
  name?: string;
}
