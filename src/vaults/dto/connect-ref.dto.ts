import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsString, IsUUID, Length, Matches } from 'class-validator';
import { IsOptional } from '../../common/http/is-optional.decorator.js';
import { ToLowerCase } from '../../common/http/to-lower-case.decorator.js';
import { LookupBy, MAX_TITLE_LENGTH, NO_CONTROL_CHARACTERS } from '../connect-ref.util.js';

const REF_DESCRIPTION = 'A 1Password id (26 characters a-z, 0-9), or with `by=title` the exact, case-sensitive';
const NO_CONTROL = { message: '$property must not contain control characters' };

/** `?by=title`: every id in the path (vault, item, file) is read as a title (vault name, item title, file name). */
export class LookupQueryDto {
  @ApiPropertyOptional({
    enum: LookupBy,
    enumName: 'LookupBy',
    default: LookupBy.Id,
    example: LookupBy.Id,
    description:
      '`id` (default): the path holds 1Password ids. `title`: vaultId is a vault name, itemId an item title and fileId a file name, ' +
      'all matched exactly; no match answers 404, several answer 409 AMBIGUOUS_TITLE with the candidates.',
  })
  @IsOptional() @IsEnum(LookupBy)
  by?: LookupBy;
}

export class AccountPathDto {
  @ApiProperty({ format: 'uuid', description: 'The connected account (a Connect server and token) to act through', example: '3f8e2a4c-5b1d-4c7e-9a2f-6d0b1e9c8a74' })
  @ToLowerCase() @IsUUID()
  accountId: string;
}

export class VaultPathDto extends AccountPathDto {
  @ApiProperty({ description: `${REF_DESCRIPTION} vault name`, example: 'ytrfte14kw1uex5txaore1emkz', minLength: 1, maxLength: MAX_TITLE_LENGTH })
  @IsString() @Length(1, MAX_TITLE_LENGTH) @Matches(NO_CONTROL_CHARACTERS, NO_CONTROL)
  vaultId: string;
}

/** A vault named by id or name: the input of every vault-scoped action. */
export class VaultRefDto extends LookupQueryDto {
  @ApiProperty({ description: `${REF_DESCRIPTION} vault name`, example: 'ytrfte14kw1uex5txaore1emkz', minLength: 1, maxLength: MAX_TITLE_LENGTH })
  @IsString() @Length(1, MAX_TITLE_LENGTH) @Matches(NO_CONTROL_CHARACTERS, NO_CONTROL)
  vaultId: string;
}
