import { CryptoConfigException } from './crypto.exception.js';
import { KeyRing } from './key-ring.js';

/** 32 bytes in base64 or base64url, padding optional. Checked before decoding: Buffer.from skips bad characters. */
const KEY_32_BYTES = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * Parses `id:base64(32 bytes)[,id:base64...]` (ENCRYPTION_KEYS) into a KeyRing. Every error names the
 * entry's position or id and never echoes the key.
 * @param primaryKeyId ENCRYPTION_PRIMARY_KEY_ID; defaults to the last key listed.
 */
export function parseKeyRing(keys: string, primaryKeyId?: string): KeyRing {
  const entries = keys.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => entry === '')) throw new CryptoConfigException('ENCRYPTION_KEYS is empty');
  const decoded = entries.map((entry, index) => {
    const separator = entry.indexOf(':');
    if (separator <= 0) {
      throw new CryptoConfigException(`ENCRYPTION_KEYS entry #${index + 1} is not in the form id:base64key`);
    }
    const id = entry.slice(0, separator);
    const encoded = entry.slice(separator + 1);
    if (!KEY_32_BYTES.test(encoded)) {
      // The KeyRing validates the id; here only the key's length is reported, not its characters.
      throw new CryptoConfigException(
        `ENCRYPTION_KEYS entry #${index + 1}: the key must be 32 random bytes in base64 or base64url (43-44 characters, got ${encoded.length})`,
      );
    }
    return { id, material: Buffer.from(encoded, 'base64') };
  });
  try {
    return new KeyRing(decoded, primaryKeyId);
  } finally {
    // KeyRing copied the bytes into KeyObjects.
    for (const { material } of decoded) material.fill(0);
  }
}
