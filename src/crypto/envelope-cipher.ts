import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { KeyEncryptionKey } from './key-encryption-key.js';
import { KeyRing } from './key-ring.js';
import { PlaintextSecret } from './plaintext-secret.js';
import type { SealContext } from './seal-context.js';
import type { SealedSecret } from './sealed-secret.js';

const VERSION = 1;
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAPPED_KEY_BYTES = IV_BYTES + TAG_BYTES + KEY_BYTES;
const DECRYPTION_FAILED_MESSAGE = 'A stored secret could not be decrypted';

/** Rejects invalid UTF-8 instead of replacing it: a secret that decodes wrongly is garbage. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Envelope encryption: each secret gets a random data key (AES-256-GCM, random 96-bit IV, AAD binding
 * it to tenant, account and purpose); the data key is wrapped with AES-256-GCM under the primary
 * key-encryption key. Rotating keys only rewraps data keys; the data ciphertext never changes.
 * Plaintext data keys are zeroed after use (best effort: OpenSSL keeps its own short-lived copy).
 */
@Injectable()
export class EnvelopeCipher {
  constructor(private readonly keyRing: KeyRing) {}

  seal(plaintext: PlaintextSecret<string | Buffer>, context: SealContext): SealedSecret {
    if (!(plaintext instanceof PlaintextSecret)) throw new TypeError('seal() takes a PlaintextSecret');
    const value = plaintext.reveal();
    // Bytes we encode ourselves are ours to zero; a caller's Buffer is left alone.
    const bytes = typeof value === 'string' ? utf8Unpooled(value) : value;
    const primary = this.keyRing.primary;
    const dataKey = randomBytes(KEY_BYTES);
    try {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, dataKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(dataAad(context));
      const ciphertext = Buffer.concat([cipher.update(bytes), cipher.final()]);
      const tag = cipher.getAuthTag();
      return Object.freeze({ version: VERSION, keyId: primary.id, iv, tag, wrappedKey: wrap(dataKey, primary), ciphertext });
    } finally {
      dataKey.fill(0);
      if (bytes !== value) bytes.fill(0);
    }
  }

  /** Opens a secret that was sealed from a string. */
  open(sealed: SealedSecret, context: SealContext): PlaintextSecret {
    const bytes = this.openToBuffer(sealed, context);
    try {
      return new PlaintextSecret(utf8.decode(bytes));
    } catch {
      throw decryptionFailed();
    } finally {
      bytes.fill(0);
    }
  }

  /** Opens a secret that was sealed from a Buffer. */
  openBytes(sealed: SealedSecret, context: SealContext): PlaintextSecret<Buffer> {
    return new PlaintextSecret(this.openToBuffer(sealed, context));
  }

  /**
   * Moves the data key under the primary key-encryption key. The data ciphertext, IV and tag are kept
   * as they are and the secret itself is never decrypted. Returns the same object when it is already
   * under the primary, so callers can skip the write.
   */
  rewrap(sealed: SealedSecret): SealedSecret {
    assertVersion(sealed);
    const primary = this.keyRing.primary;
    if (sealed.keyId === primary.id) return sealed;
    const dataKey = unwrapOrThrow(sealed, this.kekOrThrow(sealed.keyId));
    try {
      // Fields named, not spread: a row or entity passed in may carry more than the sealed secret.
      const { version, iv, tag, ciphertext } = sealed;
      return Object.freeze({ version, keyId: primary.id, iv, tag, wrappedKey: wrap(dataKey, primary), ciphertext });
    } finally {
      dataKey.fill(0);
    }
  }

  /** True when the data key is not wrapped under the current primary key. */
  needsRewrap(sealed: SealedSecret): boolean {
    return sealed.keyId !== this.keyRing.primary.id;
  }

  private openToBuffer(sealed: SealedSecret, context: SealContext): Buffer {
    assertVersion(sealed);
    const kek = this.kekOrThrow(sealed.keyId);
    const aad = dataAad(context);
    if (!isBytes(sealed.iv, IV_BYTES) || !isBytes(sealed.tag, TAG_BYTES) || !isBytes(sealed.ciphertext)) {
      throw decryptionFailed();
    }
    const dataKey = unwrapOrThrow(sealed, kek);
    const parts: Buffer[] = [];
    try {
      // authTagLength pins the tag size: otherwise Node accepts a truncated tag.
      const decipher = createDecipheriv(ALGORITHM, dataKey, sealed.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(sealed.tag);
      parts.push(decipher.update(sealed.ciphertext));
      parts.push(decipher.final());
      return concatUnpooled(parts);
    } catch {
      throw decryptionFailed();
    } finally {
      // update() output is unauthenticated until final() passes; never let it out.
      for (const part of parts) part.fill(0);
      dataKey.fill(0);
    }
  }

  private kekOrThrow(keyId: string): KeyEncryptionKey {
    const kek = typeof keyId === 'string' ? this.keyRing.get(keyId) : undefined;
    if (!kek) {
      throw new AppException(
        ErrorCode.ENCRYPTION_KEY_UNKNOWN,
        `Encryption key "${String(keyId)}" is not in the key ring`,
        { keyId: String(keyId) },
      );
    }
    return kek;
  }
}

/**
 * Associated data of the secret: format, version and where the secret lives. A JSON array rather than a
 * '|' join so no field can borrow a delimiter from its neighbour. The key id is bound by the wrap instead,
 * because rewrap changes it without touching this ciphertext.
 */
function dataAad(context: SealContext): Buffer {
  const { tenantId, accountId, purpose } = context ?? {};
  for (const [name, value] of [['tenantId', tenantId], ['accountId', accountId], ['purpose', purpose]] as const) {
    if (typeof value !== 'string' || value === '') throw new TypeError(`Seal context ${name} must be a non-empty string`);
  }
  return Buffer.from(JSON.stringify(['wrk-onepassword/secret', VERSION, tenantId, accountId, purpose]), 'utf8');
}

/** Associated data of the wrapped data key: binds it to the key id it claims. */
function wrapAad(keyId: string): Buffer {
  return Buffer.from(JSON.stringify(['wrk-onepassword/data-key', VERSION, keyId]), 'utf8');
}

/** iv(12) | tag(16) | ciphertext(32) */
function wrap(dataKey: Buffer, kek: KeyEncryptionKey): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, kek.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(wrapAad(kek.id));
  const ciphertext = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

function unwrapOrThrow(sealed: SealedSecret, kek: KeyEncryptionKey): Buffer {
  const wrapped = sealed.wrappedKey;
  if (!isBytes(wrapped, WRAPPED_KEY_BYTES)) throw decryptionFailed();
  const parts: Buffer[] = [];
  try {
    const decipher = createDecipheriv(ALGORITHM, kek.key, wrapped.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(wrapAad(kek.id));
    decipher.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    parts.push(decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)));
    parts.push(decipher.final());
    const dataKey = concatUnpooled(parts);
    if (dataKey.length !== KEY_BYTES) {
      dataKey.fill(0);
      throw decryptionFailed();
    }
    return dataKey;
  } catch {
    throw decryptionFailed();
  } finally {
    for (const part of parts) part.fill(0);
  }
}

function assertVersion(sealed: SealedSecret): void {
  if (sealed?.version !== VERSION) {
    throw new AppException(ErrorCode.DECRYPTION_FAILED, 'A stored secret has an unsupported format version');
  }
}

/** Rows read back may be Uint8Array rather than Buffer; both are fine. */
function isBytes(value: unknown, length?: number): value is Buffer {
  return value instanceof Uint8Array && (length === undefined || value.length === length);
}

/**
 * Small Buffers normally come from Node's shared pool, whose ArrayBuffer any other pooled Buffer can
 * reach; secrets and keys get their own allocation instead.
 */
function concatUnpooled(parts: readonly Buffer[]): Buffer {
  const out = Buffer.alloc(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) offset += part.copy(out, offset);
  return out;
}

function utf8Unpooled(value: string): Buffer {
  const out = Buffer.alloc(Buffer.byteLength(value, 'utf8'));
  out.write(value, 'utf8');
  return out;
}

function decryptionFailed(): AppException {
  // Generic on purpose: which check failed (tag, key, row binding) helps an attacker, not the caller.
  return new AppException(ErrorCode.DECRYPTION_FAILED, DECRYPTION_FAILED_MESSAGE);
}
