import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

/** A date (midnight UTC), or a date and time with an explicit offset; seconds and their fraction optional. */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;
/** What `Date.prototype.toISOString` writes for years 0–9999. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Date.parse reads 2026-02-30 as March 2nd; Postgres has no year 0. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

/**
 * An instant, given as `2026-11-01`, `2026-11-01T08:30Z` or `2026-11-01T08:30:00.250+01:00`, handed on as the
 * canonical UTC text (`2026-11-01T07:30:00.250Z`). ISO 8601 allows far more (week dates, ordinal dates, reduced
 * precision, a comma for the fraction, no offset) that Postgres either refuses, which would be a 500, or reads in
 * its session's time zone; those are refused here with the rest of the validation.
 */
export function IsTimestamp(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => {
      const parts = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
      if (!parts || !isCalendarDate(Number(parts[1]), Number(parts[2]), Number(parts[3]))) return value;
      const time = Date.parse(value as string);
      return Number.isFinite(time) ? new Date(time).toISOString() : value;
    }),
    ValidateBy({
      name: 'isTimestamp',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && CANONICAL.test(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be a date (2026-11-01) or a date and time with an offset (2026-11-01T08:30:00Z)`,
      },
    }),
  );
}
