import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

/** Decimal digits only: `Number()` would also read `1e2`, `0x10`, `.5e3` and ` 7 `. */
const DECIMAL_INTEGER = /^\d+$/;

/**
 * A whole number from `min` to `max`, written in decimal when it comes as text (a query string), with one message
 * whatever is wrong with it. `max` defaults to the largest integer a double holds exactly (Postgres bigint holds more).
 */
export function IsDecimalInteger(min: number, max = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value)),
    ValidateBy({
      name: 'isDecimalInteger',
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be a whole number from ${min} to ${max}`,
      },
    }),
  );
}
