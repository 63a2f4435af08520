import { getMetadataStorage } from 'class-validator';
import { EnvironmentSchema } from '../../../src/config/environment.schema.js';

export interface EnvironmentVariable {
  name: string;
  /** The schema's default, as text; undefined for a variable that is unset unless given. */
  default: string | undefined;
}

/** Every variable EnvironmentSchema declares (each carries validation decorators), with its default. */
export function environmentVariables(): EnvironmentVariable[] {
  const names = new Set(getMetadataStorage().getTargetValidationMetadatas(EnvironmentSchema, '', true, false).map((m) => m.propertyName));
  const defaults = new EnvironmentSchema() as unknown as Record<string, unknown>;
  return [...names].map((name) => ({ name, default: defaults[name] === undefined ? undefined : String(defaults[name]) }));
}
