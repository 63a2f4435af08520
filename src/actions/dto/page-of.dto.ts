import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Page } from '../../common/pagination/page.js';

const pages = new Map<Type<unknown>, Type<Page<unknown>>>();

/**
 * The DTO of `{ data: T[], nextCursor }`, the list envelope of the REST list routes (ApiPageResponse), as a
 * class named `<T>Page` so its JSON Schema is generated like every other DTO's. One class per model.
 */
export function PageOf<T>(model: Type<T>): Type<Page<T>> {
  const known = pages.get(model);
  if (known) return known as Type<Page<T>>;

  class ModelPage implements Page<T> {
    @ApiProperty({ type: [model], description: 'The rows of the page (every row when all pages were asked for)' })
    data: T[];

    @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last page', example: null })
    nextCursor: string | null;
  }
  Object.defineProperty(ModelPage, 'name', { value: `${model.name}Page` });
  pages.set(model, ModelPage as Type<Page<unknown>>);
  return ModelPage;
}
