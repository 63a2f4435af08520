import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

export const MAX_DISPLAY_NAME_LENGTH = 200;

/** The name people give a tenant, an API key or a connected account: 1-200 characters, not only white space. */
export function IsDisplayName(): PropertyDecorator {
  return applyDecorators(IsString(), MinLength(1), MaxLength(MAX_DISPLAY_NAME_LENGTH), Matches(/\S/, { message: '$property must not be blank' }));
}
