import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsNotIn, IsObject, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsOptional } from '../../common/http/is-optional.decorator.js';
import { NO_CONTROL_CHARACTERS } from '../../vaults/connect-ref.util.js';
import { CATEGORY_PATTERN } from './list-items-query.dto.js';

export const MAX_FIELD_VALUE_LENGTH = 65_536;
export const MAX_FIELDS = 200;
export const MAX_SECTIONS = 50;
export const MAX_TAGS = 50;
export const MAX_URLS = 20;
export const MAX_LABEL_LENGTH = 200;
export const MAX_ITEM_TITLE_LENGTH = 500;
/** Connect refuses to create these (CUSTOM since 1.2.0, DOCUMENT since 1.7.0); they may still be replaced. */
export const NON_CREATABLE_CATEGORIES = ['CUSTOM', 'DOCUMENT'];
export const CHARACTER_SETS = ['LETTERS', 'DIGITS', 'SYMBOLS'];
export const FIELD_PURPOSES = ['', 'USERNAME', 'PASSWORD', 'NOTES'];
/** Field and section ids: Connect's own are short words or 26-character ids; section ids seen in the wild hold spaces. */
export const FIELD_ID_PATTERN = /^[^\p{Cc}/~]{1,64}$/u;
const FIELD_TYPE_PATTERN = /^[A-Z][A-Z0-9_]{0,39}$/;
const NO_CONTROL = { message: '$property must not contain control characters' };

export class UrlInputDto {
  @ApiProperty({ example: 'https://db.example.com', maxLength: 2048 })
  @IsString() @Length(1, 2048) @Matches(NO_CONTROL_CHARACTERS, NO_CONTROL)
  href: string;

  @ApiPropertyOptional({ example: 'console', maxLength: MAX_LABEL_LENGTH })
  @IsOptional() @IsString() @MaxLength(MAX_LABEL_LENGTH)
  label?: string;

  @ApiPropertyOptional({ example: true })
  @IsOptional() @IsBoolean()
  primary?: boolean;
}

export class SectionInputDto {
  @ApiProperty({ description: 'Unique within the item; fields join the section with `section: { id }`', example: 'connection', maxLength: 64 })
  @IsString() @Matches(FIELD_ID_PATTERN, { message: '$property must be 1-64 characters without control characters, "/" or "~"' })
  id: string;

  @ApiPropertyOptional({ example: 'Connection details', maxLength: MAX_LABEL_LENGTH })
  @IsOptional() @IsString() @MaxLength(MAX_LABEL_LENGTH)
  label?: string;
}

export class SectionRefDto {
  @ApiProperty({ example: 'connection', maxLength: 64 })
  @IsString() @Matches(FIELD_ID_PATTERN, { message: '$property must be 1-64 characters without control characters, "/" or "~"' })
  id: string;

  @ApiPropertyOptional({ description: 'Ignored (some servers echo the section label here)', example: 'Connection details', maxLength: MAX_LABEL_LENGTH })
  @IsOptional() @IsString() @MaxLength(MAX_LABEL_LENGTH)
  label?: string;
}

export class VaultRefBodyDto {
  @ApiProperty({ example: 'ytrfte14kw1uex5txaore1emkz', maxLength: 64 })
  @IsString() @MaxLength(64)
  id: string;
}

export class GeneratorRecipeDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 64, default: 32, example: 24 })
  @IsOptional() @IsInt() @Min(1) @Max(64)
  length?: number;

  @ApiPropertyOptional({ enum: CHARACTER_SETS, isArray: true, example: ['LETTERS', 'DIGITS'], description: 'Any of LETTERS, DIGITS, SYMBOLS, each at most once; all three when absent' })
  @IsOptional() @IsArray() @ArrayMaxSize(3) @ArrayUnique() @IsIn(CHARACTER_SETS, { each: true })
  characterSets?: string[];

  @ApiPropertyOptional({ description: 'Characters the generated value must not contain', example: 'lI1O0', maxLength: 256 })
  @IsOptional() @IsString() @MaxLength(256)
  excludeCharacters?: string;
}

export class FieldInputDto {
  @ApiPropertyOptional({ description: 'Field id; the server assigns one when absent (built-in ids: username, password, notesPlain, credential)', example: 'password', maxLength: 64 })
  @IsOptional() @IsString() @Matches(FIELD_ID_PATTERN, { message: '$property must be 1-64 characters without control characters, "/" or "~"' })
  id?: string;

  @ApiPropertyOptional({
    description: 'STRING (default), EMAIL, CONCEALED, URL, OTP, DATE (YYYY-MM-DD), MONTH_YEAR (YYYYMM), MENU, PHONE, ... `TOTP` is accepted and sent as `OTP`.',
    example: 'CONCEALED',
    pattern: FIELD_TYPE_PATTERN.source,
  })
  @IsOptional() @IsString() @Matches(FIELD_TYPE_PATTERN, { message: '$property must be an upper-case field type such as STRING' })
  type?: string;

  @ApiPropertyOptional({ enum: FIELD_PURPOSES, description: 'USERNAME, PASSWORD or NOTES: the built-in fields of LOGIN and PASSWORD items', example: 'PASSWORD' })
  @IsOptional() @IsIn(FIELD_PURPOSES)
  purpose?: string;

  @ApiPropertyOptional({ example: 'password', maxLength: MAX_LABEL_LENGTH })
  @IsOptional() @IsString() @MaxLength(MAX_LABEL_LENGTH)
  label?: string;

  @ApiPropertyOptional({ description: 'The secret or plain value; leave it out with `generate: true`', example: 'correct horse battery staple', maxLength: MAX_FIELD_VALUE_LENGTH })
  @IsOptional() @IsString() @MaxLength(MAX_FIELD_VALUE_LENGTH)
  value?: string;

  @ApiPropertyOptional({ type: SectionRefDto, description: 'A section declared in `sections`' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => SectionRefDto)
  section?: SectionRefDto;

  @ApiPropertyOptional({ description: 'Let the Connect server generate the value from `recipe`', example: true })
  @IsOptional() @IsBoolean()
  generate?: boolean;

  @ApiPropertyOptional({ type: GeneratorRecipeDto })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GeneratorRecipeDto)
  recipe?: GeneratorRecipeDto;
}

/** The writable part of an item, common to create and replace. */
export abstract class ItemBodyDto {
  @ApiProperty({ example: 'Production database', minLength: 1, maxLength: MAX_ITEM_TITLE_LENGTH })
  @IsString() @Length(1, MAX_ITEM_TITLE_LENGTH) @Matches(NO_CONTROL_CHARACTERS, NO_CONTROL)
  title: string;

  @ApiPropertyOptional({ type: [String], example: ['prod', 'db'], maxItems: MAX_TAGS })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_TAGS) @IsString({ each: true }) @Length(1, 200, { each: true }) @Matches(NO_CONTROL_CHARACTERS, { each: true, ...NO_CONTROL })
  tags?: string[];

  @ApiPropertyOptional({ type: [UrlInputDto], maxItems: MAX_URLS, example: [{ href: 'https://db.example.com', label: 'console', primary: true }] })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_URLS) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => UrlInputDto)
  urls?: UrlInputDto[];

  @ApiPropertyOptional({ example: false })
  @IsOptional() @IsBoolean()
  favorite?: boolean;

  @ApiPropertyOptional({ type: [SectionInputDto], maxItems: MAX_SECTIONS, example: [{ id: 'connection', label: 'Connection details' }] })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_SECTIONS) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => SectionInputDto)
  sections?: SectionInputDto[];

}

const CREATE_EXAMPLE_FIELDS = [
  { purpose: 'USERNAME', label: 'username', value: 'app' },
  { purpose: 'PASSWORD', label: 'password', generate: true, recipe: { length: 32, characterSets: ['LETTERS', 'DIGITS'], excludeCharacters: 'lI1O0' } },
  { type: 'STRING', label: 'host', value: 'db.internal', section: { id: 'connection' } },
];

/** Body of "Create a vault item in 1Password". */
export class CreateItemDto extends ItemBodyDto {
  @ApiProperty({
    description: 'LOGIN, PASSWORD, API_CREDENTIAL, SERVER, DATABASE, SECURE_NOTE, ... CUSTOM and DOCUMENT cannot be created through Connect.',
    example: 'LOGIN',
    pattern: CATEGORY_PATTERN.source,
  })
  @IsString() @Matches(CATEGORY_PATTERN, { message: '$property must be an upper-case category such as LOGIN' })
  @IsNotIn(NON_CREATABLE_CATEGORIES, { message: 'category $value cannot be created through 1Password Connect (CUSTOM and DOCUMENT items are read and updated only)' })
  category: string;

  @ApiPropertyOptional({ type: [FieldInputDto], maxItems: MAX_FIELDS, example: CREATE_EXAMPLE_FIELDS })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_FIELDS) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => FieldInputDto)
  fields?: FieldInputDto[];
}

/** A field as read from an item: `entropy` and `totp` are read-only and ignored, so an item read can be sent back. */
export class ReplaceFieldDto extends FieldInputDto {
  @ApiPropertyOptional({ description: 'Read-only; ignored', example: 86.5 })
  @IsOptional()
  entropy?: unknown;

  @ApiPropertyOptional({ description: 'Read-only; ignored', example: '123456' })
  @IsOptional()
  totp?: unknown;
}

/**
 * Body of the full replace (PUT). Whatever it omits is dropped from the item. An item as GET returns it is
 * accepted as is: read-only properties (`version`, `createdAt`, `files`, `entropy`, `totp`...) are ignored,
 * and `id`/`vault.id`, when present, must match the path.
 */
export class ReplaceItemDto extends ItemBodyDto {
  @ApiProperty({ description: 'Any category, CUSTOM and DOCUMENT included (an existing item keeps its category)', example: 'LOGIN', pattern: CATEGORY_PATTERN.source })
  @IsString() @Matches(CATEGORY_PATTERN, { message: '$property must be an upper-case category such as LOGIN' })
  category: string;

  @ApiPropertyOptional({ type: [ReplaceFieldDto], maxItems: MAX_FIELDS })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_FIELDS) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => ReplaceFieldDto)
  fields?: ReplaceFieldDto[];

  @ApiPropertyOptional({ description: 'Must match the path when present', example: 'wepiqdxdzncjtnvmv5fegud4qy' })
  @IsOptional() @IsString() @MaxLength(64)
  id?: string;

  @ApiPropertyOptional({ description: 'Must match the path when present', example: { id: 'ytrfte14kw1uex5txaore1emkz' } })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => VaultRefBodyDto)
  vault?: VaultRefBodyDto;

  @ApiPropertyOptional({ description: 'Read-only; ignored (send If-Match to require a version)', example: 3 })
  @IsOptional()
  version?: unknown;

  @ApiPropertyOptional({ description: 'Read-only; ignored' })
  @IsOptional()
  createdAt?: unknown;

  @ApiPropertyOptional({ description: 'Read-only; ignored' })
  @IsOptional()
  updatedAt?: unknown;

  @ApiPropertyOptional({ description: 'Read-only; ignored' })
  @IsOptional()
  lastEditedBy?: unknown;

  @ApiPropertyOptional({ description: 'Read-only; ignored' })
  @IsOptional()
  state?: unknown;

  @ApiPropertyOptional({ description: 'Read-only; ignored' })
  @IsOptional()
  trashed?: unknown;

  @ApiPropertyOptional({ description: 'Read-only; ignored (files cannot be changed through Connect and are kept)' })
  @IsOptional()
  files?: unknown;
}
