import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvironmentSchema } from './environment.schema.js';

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/** Validates raw variables against the schema; the message names each bad variable but never echoes its value. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentSchema {
  const env = plainToInstance(EnvironmentSchema, { ...raw }, { exposeDefaultValues: true });
  // whitelist drops every variable the schema does not declare (the rest of the process environment).
  const errors = validateSync(env, { whitelist: true });
  if (errors.length > 0) {
    throw new InvalidEnvironmentError(errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`));
  }
  return env;
}

/** The only read of process.env in the service; `overrides` win (tests, CLIs). */
export function loadEnvironment(overrides: Record<string, string | undefined> = {}): EnvironmentSchema {
  return validateEnvironment({ ...process.env, ...overrides });
}
