import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const SHAPE = /^(wrk_[a-z2-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  /** Shown to the caller once, never stored. */
  key: string;
  prefix: string;
  hash: Buffer;
}

/** `wrk_<12 lookup chars>_<32 random bytes, base64url>`; only the hash of the whole key is kept. */
export function generateApiKey(): GeneratedApiKey {
  const lookup = Array.from(randomBytes(12), (b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join('');
  const prefix = `wrk_${lookup}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/**
 * A fast hash is right here: the key has 256 bits of entropy, so there is nothing to brute-force. One-shot
 * (`crypto.hash`): it runs on every request, and a Hash object costs twice as much.
 */
export function hashApiKey(key: string): Buffer {
  return hash('sha256', key, 'buffer');
}

export function prefixOf(key: string): string | undefined {
  return SHAPE.exec(key)?.[1];
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
