import { Transform } from 'class-transformer';

/** Lower-cases a string (before validation): a UUID Postgres matches in any case gets one spelling for the cache, breaker and limits. */
export function ToLowerCase(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value));
}
