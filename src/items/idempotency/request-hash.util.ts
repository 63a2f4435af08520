import { createHmac, hkdfSync, type KeyObject } from 'node:crypto';

const HKDF_INFO = 'wrk-onepassword/idempotency-request-hash/v1';
const derived = new WeakMap<KeyObject, Buffer>();

/** JSON with object keys sorted at every level, so equal requests hash alike however their keys were ordered. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Identifies a request without storing anything that could reveal it: HMAC-SHA256 under a key derived (HKDF)
 * from a key-encryption key. A plain hash would let anyone holding the table test guesses of a weak password
 * in the body; the HMAC needs the key ring.
 */
export function requestHash(kek: KeyObject, request: unknown): Buffer {
  let key = derived.get(kek);
  if (key === undefined) {
    key = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), HKDF_INFO, 32));
    derived.set(kek, key);
  }
  return createHmac('sha256', key).update(canonicalJson(request)).digest();
}
