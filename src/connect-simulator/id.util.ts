import { randomBytes } from 'node:crypto';

const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

// Random bytes are drawn in blocks: one crypto call per id would dominate generating 10,000 items.
const POOL_BYTES = 8192;
let pool = randomBytes(POOL_BYTES);
let poolOffset = 0;

function randomString(length: number, alphabet: string): string {
  if (poolOffset + length > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  let out = '';
  // The modulo bias is irrelevant for identifiers; only the shape matters.
  for (let i = 0; i < length; i++) out += alphabet[pool[poolOffset + i] % alphabet.length];
  poolOffset += length;
  return out;
}

/** A 26-character vault, item, file or field id matching `^[a-z0-9]{26}$`. */
export function generateId(): string {
  return randomString(26, LOWER_ALPHANUMERIC);
}

/** A 26-character user or account id in the upper-case base32 style 1Password uses. */
export function generateUserId(): string {
  return randomString(26, UPPER_BASE32);
}
