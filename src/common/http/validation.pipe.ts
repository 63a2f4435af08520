import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppException } from '../errors/app-exception.js';
import { ErrorCode } from '../errors/error-code.enum.js';
import { memoizeValidationMetadata } from './validation-metadata.cache.js';

function problemsOf(errors: ValidationError[], parent = ''): { property: string; constraints: string[] }[] {
  return errors.flatMap((e) => {
    const property = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ property, constraints: Object.values(e.constraints) }] : [];
    return [...own, ...problemsOf(e.children ?? [], property)];
  });
}

/** Rejects unknown properties and wrong types with 400 VALIDATION_FAILED; never echoes submitted values. */
export function createValidationPipe(): ValidationPipe {
  memoizeValidationMetadata();
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new AppException(ErrorCode.VALIDATION_FAILED, 'Request validation failed', { problems: problemsOf(errors) }),
  });
}
