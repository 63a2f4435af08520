import { createSecretKey } from 'node:crypto';
import { inspect } from 'node:util';
import { CryptoConfigException } from './crypto.exception.js';
import type { KeyEncryptionKey } from './key-encryption-key.js';

/** AES-256 key-encryption keys. */
const KEY_BYTES = 32;
/** Same shape as ENCRYPTION_PRIMARY_KEY_ID; ids are stored in every sealed row. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The key-encryption keys (KEKs). The primary wraps new data keys; every key unwraps (rotation: add
 * the new key as primary, rewrap, then drop the old one). Ids are not secret; the key bytes never leave
 * a KeyObject.
 */
export class KeyRing {
  readonly primary: KeyEncryptionKey;
  readonly #keys: ReadonlyMap<string, KeyEncryptionKey>;

  /**
   * @param keys key bytes are copied into KeyObjects; callers may zero their buffers afterwards.
   * @param primaryKeyId defaults to the last key, so appending a key is enough to rotate.
   */
  constructor(keys: ReadonlyArray<{ readonly id: string; readonly material: Buffer }>, primaryKeyId?: string) {
    if (keys.length === 0) throw new CryptoConfigException('The encryption key ring needs at least one key');
    const byId = new Map<string, KeyEncryptionKey>();
    keys.forEach(({ id, material }, index) => {
      // Position, not the value: a malformed id may be a pasted key.
      if (typeof id !== 'string' || !KEY_ID.test(id)) {
        throw new CryptoConfigException(`Encryption key #${index + 1}: the id must be 1-32 characters of A-Z a-z 0-9 _ -`);
      }
      if (byId.has(id)) throw new CryptoConfigException(`Encryption key id "${id}" is listed more than once`);
      if (!Buffer.isBuffer(material) || material.length !== KEY_BYTES) {
        const got = Buffer.isBuffer(material) ? `${material.length} bytes` : 'not bytes';
        throw new CryptoConfigException(`Encryption key "${id}" must be exactly ${KEY_BYTES} bytes (got ${got})`);
      }
      byId.set(id, Object.freeze({ id, key: createSecretKey(material) }));
    });
    const primaryId = primaryKeyId ?? keys[keys.length - 1].id;
    const primary = byId.get(primaryId);
    if (!primary) {
      const shown = KEY_ID.test(primaryId) ? `"${primaryId}"` : '(malformed id)';
      throw new CryptoConfigException(
        `Primary encryption key ${shown} is not in the key ring (known ids: ${[...byId.keys()].join(', ')})`,
      );
    }
    this.primary = primary;
    this.#keys = byId;
  }

  /** The key with this id, or undefined when it has been removed from the ring. */
  get(id: string): KeyEncryptionKey | undefined {
    return this.#keys.get(id);
  }

  ids(): string[] {
    return [...this.#keys.keys()];
  }

  toJSON(): { ids: string[]; primary: string } {
    return { ids: this.ids(), primary: this.primary.id };
  }

  [inspect.custom](): string {
    return `KeyRing { ids: [${this.ids().join(', ')}], primary: ${this.primary.id} }`;
  }
}
