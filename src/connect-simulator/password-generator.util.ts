import { randomInt } from 'node:crypto';

import { ConnectError } from './connect-error.js';
import type { GeneratorRecipe } from './connect-api.types.js';

/** Character sets of a GeneratorRecipe; the symbol list is our choice [inferred], it avoids quotes and backslash. */
const CHARACTER_SETS: Readonly<Record<string, string>> = {
  LETTERS: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  DIGITS: '0123456789',
  SYMBOLS: '!#$%&()*+,-./:;<=>?@[]^_{|}~',
};

export interface GeneratedValue {
  value: string;
  entropy: number;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Validates a recipe against the spec bounds and returns the character groups it draws from. */
function recipeGroups(recipe: GeneratorRecipe): { length: number; groups: string[] } {
  const length = recipe.length ?? 32;
  if (!Number.isInteger(length) || length < 1 || length > 64) {
    throw ConnectError.badRequest('Validation: (recipe length must be an integer between 1 and 64)');
  }
  const sets = recipe.characterSets ?? [];
  const subset = Array.isArray(sets) && sets.every((set) => typeof set === 'string' && Object.hasOwn(CHARACTER_SETS, set)) && new Set(sets).size === sets.length;
  if (!subset) throw ConnectError.badRequest('Validation: (recipe characterSets must be a subset of LETTERS, DIGITS, SYMBOLS)');
  const exclude = recipe.excludeCharacters ?? '';
  if (typeof exclude !== 'string') throw ConnectError.badRequest('Validation: (recipe excludeCharacters must be a string)');
  const chosen = sets.length > 0 ? sets : Object.keys(CHARACTER_SETS);
  const groups = chosen
    .map((set) => [...CHARACTER_SETS[set]].filter((char) => !exclude.includes(char)).join(''))
    .filter((group) => group.length > 0);
  if (groups.length === 0) throw ConnectError.badRequest('Validation: (recipe excludes every character)');
  return { length, groups };
}

/** A crypto-random value for `generate: true`, with at least one character of each chosen set when it fits. */
export function generatePassword(recipe: GeneratorRecipe = {}): GeneratedValue {
  const { length, groups } = recipeGroups(recipe);
  const pool = groups.join('');
  const mustCoverAll = length >= groups.length;
  let value: string;
  do {
    value = '';
    for (let i = 0; i < length; i++) value += pool[randomInt(pool.length)];
  } while (mustCoverAll && !groups.every((group) => [...value].some((char) => group.includes(char))));
  return { value, entropy: round2(length * Math.log2(pool.length)) };
}

/** Entropy estimate for a user-supplied password: length × log2 of the pools its characters come from. */
export function estimateEntropy(value: string): number {
  const pools = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];
  const sizes = [26, 26, 10, 33];
  const poolSize = pools.reduce((sum, pattern, i) => (pattern.test(value) ? sum + sizes[i] : sum), 0);
  return poolSize === 0 ? 0 : round2(value.length * Math.log2(poolSize));
}
