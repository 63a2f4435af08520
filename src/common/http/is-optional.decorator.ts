import { ValidateIf } from 'class-validator';

/**
 * Optional means absent. class-validator's own IsOptional also lets `null` past every rule, and a `null` that got
 * through reached the code as a value: a friendly PATCH cleared a field's value or label with it, and a create
 * failed with a 500 on `null.map`. Here only `undefined` skips the rules; `null` is judged by them like any value
 * (so it passes only where a property takes any JSON, as a JSON Patch operation's `value` does).
 */
export function IsOptional(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
