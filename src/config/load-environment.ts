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
  // An empty value is an unset one (compose writes `${VAR}` of an unset VAR as ''): its default applies. As a
  // number it would otherwise read as 0 (PORT= listening on a random port, a rate limit of 0 turned off).
  const set = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ''));
  const env = plainToInstance(EnvironmentSchema, set, { exposeDefaultValues: true });
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
