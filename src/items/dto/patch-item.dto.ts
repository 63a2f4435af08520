import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsObject, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsOptional } from '../../common/http/is-optional.decorator.js';
import { NO_CONTROL_CHARACTERS } from '../../vaults/connect-ref.util.js';
import {
  FIELD_ID_PATTERN, FIELD_PURPOSES, GeneratorRecipeDto, MAX_FIELD_VALUE_LENGTH, MAX_ITEM_TITLE_LENGTH, MAX_LABEL_LENGTH, MAX_TAGS, MAX_URLS,
  UrlInputDto,
} from './item-input.dto.js';

export const MAX_PATCH_OPERATIONS = 200;
const NO_CONTROL = { message: '$property must not contain control characters' };

/** One RFC 6902 operation as Connect implements it: fields are addressed by id (`/fields/password/value`). */
export class JsonPatchOperationDto {
  @ApiProperty({ enum: ['add', 'remove', 'replace'], example: 'replace' })
  @IsIn(['add', 'remove', 'replace'])
  op: 'add' | 'remove' | 'replace';

  @ApiProperty({ description: 'A JSON pointer into the item; `/` replaces the whole item', example: '/fields/password/value', maxLength: 1024 })
  @IsString() @MaxLength(1024) @Matches(/^\/[^\p{Cc}]*$/u, { message: '$property must be a JSON pointer starting with "/"' })
  path: string;

  @ApiPropertyOptional({ description: 'The new value (any JSON) for add and replace', example: 'n3w-s3cret' })
  @IsOptional()
  value?: unknown;
}

/** One field change of the friendly PATCH form: the field is found by `label` (optionally within `section`) or by `id`. */
export class FieldChangeDto {
  @ApiPropertyOptional({ description: 'The field\'s id (e.g. `password`); give either `id` or `label`', example: 'password', maxLength: 64 })
  @IsOptional() @IsString() @Matches(FIELD_ID_PATTERN, { message: '$property must be 1-64 characters without control characters, "/" or "~"' })
  id?: string;

  @ApiPropertyOptional({ description: 'The field\'s label, matched exactly (case-sensitive); give either `id` or `label`', example: 'api key', maxLength: MAX_LABEL_LENGTH })
  @IsOptional() @IsString() @Length(1, MAX_LABEL_LENGTH)
  label?: string;

  @ApiPropertyOptional({ description: 'Only fields of the section with this label (or id); with `createIfMissing`, the section the new field joins', example: 'Connection details', maxLength: MAX_LABEL_LENGTH })
  @IsOptional() @IsString() @Length(1, MAX_LABEL_LENGTH)
  section?: string;

  @ApiPropertyOptional({ description: 'The new value', example: 'n3w-s3cret', maxLength: MAX_FIELD_VALUE_LENGTH })
  @IsOptional() @IsString() @MaxLength(MAX_FIELD_VALUE_LENGTH)
  value?: string;

  @ApiPropertyOptional({ description: 'Regenerate the value from `recipe` instead of giving one', example: false })
  @IsOptional() @IsBoolean()
  generate?: boolean;

  @ApiPropertyOptional({ type: GeneratorRecipeDto })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GeneratorRecipeDto)
  recipe?: GeneratorRecipeDto;

  @ApiPropertyOptional({ description: 'New field type (`TOTP` is sent as `OTP`)', example: 'CONCEALED' })
  @IsOptional() @IsString() @Matches(/^[A-Z][A-Z0-9_]{0,39}$/, { message: '$property must be an upper-case field type such as STRING' })
  type?: string;

  @ApiPropertyOptional({ enum: FIELD_PURPOSES, example: 'PASSWORD' })
  @IsOptional() @IsIn(FIELD_PURPOSES)
  purpose?: string;

  @ApiPropertyOptional({ description: 'Rename the field', example: 'api key (rotated)', maxLength: MAX_LABEL_LENGTH })
  @IsOptional() @IsString() @Length(1, MAX_LABEL_LENGTH)
  newLabel?: string;

  @ApiPropertyOptional({ description: 'Remove the field instead of changing it', example: false })
  @IsOptional() @IsBoolean()
  remove?: boolean;

  @ApiPropertyOptional({ description: 'When no field has the label, add one (in `section` when given) instead of answering 400 FIELD_NOT_FOUND', example: false })
  @IsOptional() @IsBoolean()
  createIfMissing?: boolean;
}

/**
 * PATCH body, in one of two forms (never both):
 * - `operations`: raw RFC 6902 operations, sent to Connect as they are (a bare JSON array body means the same);
 * - the friendly form: `title`, `tags`, `urls`, `favorite` and `fields` changes naming fields by label or id,
 *   compiled to operations on field ids against the item's current state.
 */
export class PatchItemDto {
  @ApiPropertyOptional({ type: [JsonPatchOperationDto], maxItems: MAX_PATCH_OPERATIONS, description: 'Raw RFC 6902 operations (add, remove, replace)',
    example: [{ op: 'replace', path: '/fields/password/value', value: 'n3w-s3cret' }, { op: 'add', path: '/tags/-', value: 'rotated' }] })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_PATCH_OPERATIONS) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => JsonPatchOperationDto)
  operations?: JsonPatchOperationDto[];

  @ApiPropertyOptional({ example: 'Production database (rotated)', maxLength: MAX_ITEM_TITLE_LENGTH })
  @IsOptional() @IsString() @Length(1, MAX_ITEM_TITLE_LENGTH) @Matches(NO_CONTROL_CHARACTERS, NO_CONTROL)
  title?: string;

  @ApiPropertyOptional({ type: [String], description: 'Replaces every tag', example: ['prod', 'rotated'], maxItems: MAX_TAGS })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_TAGS) @IsString({ each: true }) @Length(1, 200, { each: true }) @Matches(NO_CONTROL_CHARACTERS, { each: true, ...NO_CONTROL })
  tags?: string[];

  @ApiPropertyOptional({ type: [UrlInputDto], description: 'Replaces every URL', maxItems: MAX_URLS })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_URLS) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => UrlInputDto)
  urls?: UrlInputDto[];

  @ApiPropertyOptional({ example: true })
  @IsOptional() @IsBoolean()
  favorite?: boolean;

  @ApiPropertyOptional({ type: [FieldChangeDto], maxItems: 100, description: 'Field changes by label (and section) or id, applied in order',
    example: [{ label: 'api key', value: 'n3w-s3cret' }, { label: 'host', section: 'Connection details', value: 'db2.internal' }, { id: 'password', generate: true, recipe: { length: 40 } }] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => FieldChangeDto)
  fields?: FieldChangeDto[];
}
