import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Decimal digits only: `Number()` would also read `1e2`, `0x10`, `.5e3` and ` 7 `. */
const DECIMAL_INTEGER = /^\d+$/;

/**
 * The page size of a list: a whole number from 1 to MAX_PAGE_SIZE, written in decimal when it comes as text (a
 * query string), with one message whatever is wrong with it.
 */
export function PageSize(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, example: 50 }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value)),
    ValidateBy({
      name: 'isPageSize',
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_PAGE_SIZE,
        defaultMessage: (args) => `${args?.property ?? 'limit'} must be a whole number from 1 to ${MAX_PAGE_SIZE}`,
      },
    }),
  );
}

export class PageQueryDto {
  @PageSize()
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page\'s nextCursor', example: 'eyJrIjpbIjIwMjYtMTEtMjdUMTU6MDA6MDBaIl19' })
  @IsOptional() @IsString() @MaxLength(1024)
  cursor?: string;
}
