import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { IsOptional } from '../http/is-optional.decorator.js';
import { IsDecimalInteger } from '../http/is-decimal-integer.decorator.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** The page size of a list: a whole number from 1 to MAX_PAGE_SIZE (see IsDecimalInteger). */
export function PageSize(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, example: 50 }),
    IsOptional(),
    IsDecimalInteger(1, MAX_PAGE_SIZE),
  );
}

export class PageQueryDto {
  @PageSize()
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page\'s nextCursor', example: 'eyJrIjpbIjIwMjYtMTEtMjdUMTU6MDA6MDBaIl19' })
  @IsOptional() @IsString() @MaxLength(1024)
  cursor?: string;
}
