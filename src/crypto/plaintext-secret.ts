import { inspect } from 'node:util';

const REDACTED = '[REDACTED]';

/**
 * A secret in the clear. Opaque on purpose: the value only comes out through `reveal()`, so it cannot be
 * written to a column, logged or serialised by accident (JSON, String(), template literals and
 * util.inspect all print '[REDACTED]'). The ES private field is nominal, so a plain string or Buffer is
 * never assignable to it and it is never assignable to them.
 * Wraps the value without copying it; a Buffer stays owned by whoever created it.
 */
export class PlaintextSecret<T extends string | Buffer = string> {
  readonly #value: T;

  constructor(value: T) {
    if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
      throw new TypeError('PlaintextSecret holds a string or a Buffer');
    }
    this.#value = value;
  }

  /** The only way to read the value: keep the call as close as possible to where it is used. */
  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
