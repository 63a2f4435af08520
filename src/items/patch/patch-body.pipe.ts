import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { createValidationPipe } from '../../common/http/validation.pipe.js';
import { validationFailed } from '../../vaults/connect-ref.util.js';
import { PatchItemDto } from '../dto/patch-item.dto.js';

/**
 * The parameter type of a PATCH body: a mapped type, so the global ValidationPipe (which would try to read a
 * bare array as a PatchItemDto) leaves it to PatchBodyPipe.
 */
export type ValidatedPatchBody = Readonly<PatchItemDto>;

/**
 * A PATCH body is either a bare RFC 6902 array or an object (`{ operations }` or the friendly form). Both
 * become a validated PatchItemDto, with the same rules and errors as every other body.
 */
@Injectable()
export class PatchBodyPipe implements PipeTransform<unknown, Promise<PatchItemDto>> {
  private readonly validation = createValidationPipe();

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<PatchItemDto> {
    const shaped = Array.isArray(value) ? { operations: value } : value;
    if (typeof shaped !== 'object' || shaped === null) {
      throw validationFailed('body', 'the body must be a JSON array of RFC 6902 operations or an object (the friendly form)');
    }
    return (await this.validation.transform(shaped, { ...metadata, type: 'body', metatype: PatchItemDto })) as PatchItemDto;
  }
}
