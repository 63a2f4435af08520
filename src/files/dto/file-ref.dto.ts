import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsString, Length, Matches } from 'class-validator';
import { IsOptional } from '../../common/http/is-optional.decorator.js';
import { ItemPathDto, ItemRefDto } from '../../items/dto/item-ref.dto.js';
import { MAX_TITLE_LENGTH, NO_CONTROL_CHARACTERS } from '../../vaults/connect-ref.util.js';
import { ArrayPageQueryDto, toBoolean } from '../../vaults/dto/array-page-query.dto.js';
import { LookupQueryDto } from '../../vaults/dto/connect-ref.dto.js';

const FILE_ID = {
  description: 'A 1Password file id (26 characters a-z, 0-9), or with `by=title` the exact file name',
  example: '6r65pjq33banznomn7q22sj44e',
  minLength: 1,
  maxLength: MAX_TITLE_LENGTH,
};
const NO_CONTROL = { message: '$property must not contain control characters' };

export class FilePathDto extends ItemPathDto {
  @ApiProperty(FILE_ID)
  @IsString() @Length(1, MAX_TITLE_LENGTH) @Matches(NO_CONTROL_CHARACTERS, NO_CONTROL)
  fileId: string;
}

/** A file named by id or name on an item named by id or title: the input of the file-scoped actions. */
export class FileRefDto extends ItemRefDto {
  @ApiProperty(FILE_ID)
  @IsString() @Length(1, MAX_TITLE_LENGTH) @Matches(NO_CONTROL_CHARACTERS, NO_CONTROL)
  fileId: string;
}

export class InlineQueryDto {
  @ApiPropertyOptional({ type: Boolean, default: false, example: false, description: 'Include each file\'s content, base64, in `content` (413 CONNECT_FILE_TOO_LARGE_TO_INLINE above the Connect server\'s inline limit, 1 MiB by default)' })
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  inline?: boolean;
}

export class FileQueryDto extends IntersectionType(LookupQueryDto, InlineQueryDto) {}

export class ListFilesQueryDto extends IntersectionType(ArrayPageQueryDto, FileQueryDto) {}

/** Input of "Retrieve vault item files from 1Password". */
export class ListFilesInputDto extends IntersectionType(ItemRefDto, ListFilesQueryDto) {}

/** Input of "Retrieve vault item file details from 1Password". */
export class GetFileInputDto extends IntersectionType(FileRefDto, InlineQueryDto) {}
