/**
 * One secret as stored: format version, key id, IV, tag, wrapped data key and ciphertext.
 * Holds nothing usable without the key ring, so every field may be persisted as is.
 */
export interface SealedSecret {
  /** Format version; anything else is refused when opening. */
  readonly version: 1;
  /** Id of the key-encryption key that wrapped `wrappedKey`. A lookup hint, authenticated by the wrap's AAD. */
  readonly keyId: string;
  /** 12-byte AES-GCM IV of the data encryption. */
  readonly iv: Buffer;
  /** 16-byte AES-GCM tag of the data encryption. */
  readonly tag: Buffer;
  /** The per-secret data key sealed under the key-encryption key: iv(12) | tag(16) | ciphertext(32). */
  readonly wrappedKey: Buffer;
  readonly ciphertext: Buffer;
}
