import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { MAX_TITLE_LENGTH, NO_CONTROL_CHARACTERS } from '../../vaults/connect-ref.util.js';
import { VaultPathDto, VaultRefDto } from '../../vaults/dto/connect-ref.dto.js';

const ITEM_ID = {
  description: 'A 1Password item id (26 characters a-z, 0-9), or with `by=title` the exact, case-sensitive item title',
  example: 'wepiqdxdzncjtnvmv5fegud4qy',
  minLength: 1,
  maxLength: MAX_TITLE_LENGTH,
};
const NO_CONTROL = { message: '$property must not contain control characters' };

export class ItemPathDto extends VaultPathDto {
  @ApiProperty(ITEM_ID)
  @IsString() @Length(1, MAX_TITLE_LENGTH) @Matches(NO_CONTROL_CHARACTERS, NO_CONTROL)
  itemId: string;
}

/** An item named by id or title inside a vault named by id or name: the input of every item-scoped action. */
export class ItemRefDto extends VaultRefDto {
  @ApiProperty(ITEM_ID)
  @IsString() @Length(1, MAX_TITLE_LENGTH) @Matches(NO_CONTROL_CHARACTERS, NO_CONTROL)
  itemId: string;
}
