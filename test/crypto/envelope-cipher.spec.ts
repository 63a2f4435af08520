import { randomBytes } from 'node:crypto';
import { AppException } from '../../src/common/errors/app-exception.js';
import { ErrorCode } from '../../src/common/errors/error-code.enum.js';
import { EnvelopeCipher } from '../../src/crypto/envelope-cipher.js';
import { KeyRing } from '../../src/crypto/key-ring.js';
import { PlaintextSecret } from '../../src/crypto/plaintext-secret.js';
import type { SealContext } from '../../src/crypto/seal-context.js';
import type { SealedSecret } from '../../src/crypto/sealed-secret.js';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const ring = (...keys: Array<[string, Buffer]>) => new KeyRing(keys.map(([id, material]) => ({ id, material })));
const cipherWith = (...keys: Array<[string, Buffer]>) => new EnvelopeCipher(ring(...keys));

const token = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImNhbmFyeSJ9.canary-token-body.signature';
const context: SealContext = { tenantId: 'tenant-a', accountId: 'account-1', purpose: 'connect-token' };

/** Runs `run` and returns the AppException it throws (fails the test otherwise). */
function appError(run: () => unknown): AppException {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppException);
    return error as AppException;
  }
  throw new Error('expected an AppException');
}

function expectDecryptionFailed(run: () => unknown): void {
  const error = appError(run);
  expect(error.code).toBe(ErrorCode.DECRYPTION_FAILED);
  expect(error.message).toBe('A stored secret could not be decrypted');
}

const flipBit = (bytes: Buffer, index: number) => {
  const copy = Buffer.from(bytes);
  copy[index] ^= 0x01;
  return copy;
};

describe('EnvelopeCipher', () => {
  const cipher = cipherWith(['k1', k1]);

  it('round-trips a string secret', () => {
    const sealed = cipher.seal(new PlaintextSecret(token), context);
    expect(cipher.open(sealed, context).reveal()).toBe(token);
  });

  it('round-trips bytes and unicode', () => {
    const bytes = randomBytes(100);
    expect(cipher.openBytes(cipher.seal(new PlaintextSecret(bytes), context), context).reveal()).toEqual(bytes);
    const unicode = 'pässwörd-🔑';
    expect(cipher.open(cipher.seal(new PlaintextSecret(unicode), context), context).reveal()).toBe(unicode);
  });

  it('stores the documented shape and no plaintext', () => {
    const sealed = cipher.seal(new PlaintextSecret(token), context);
    expect(sealed).toMatchObject({ version: 1, keyId: 'k1' });
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
    expect(sealed.wrappedKey).toHaveLength(12 + 16 + 32);
    expect(sealed.ciphertext).toHaveLength(Buffer.byteLength(token));
    expect(Object.isFrozen(sealed)).toBe(true);
    const stored = Buffer.concat([sealed.iv, sealed.tag, sealed.wrappedKey, sealed.ciphertext]);
    expect(stored.includes(Buffer.from(token))).toBe(false);
    expect(stored.includes(Buffer.from('canary'))).toBe(false);
  });

  it('gives a different ciphertext, IV and wrapped key each time for the same plaintext', () => {
    const a = cipher.seal(new PlaintextSecret(token), context);
    const b = cipher.seal(new PlaintextSecret(token), context);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.wrappedKey.equals(b.wrappedKey)).toBe(false);
  });

  it('does not zero or change a Buffer it was given', () => {
    const bytes = Buffer.from('do-not-touch');
    cipher.seal(new PlaintextSecret(bytes), context);
    expect(bytes.toString()).toBe('do-not-touch');
  });

  it.each([
    ['another tenant', { ...context, tenantId: 'tenant-b' }],
    ['another account', { ...context, accountId: 'account-2' }],
    ['another purpose', { ...context, purpose: 'webhook-secret' }],
    ['shifted delimiters', { tenantId: 'tenant-a|account-1', accountId: 'connect-token', purpose: 'x' }],
  ])('refuses to open under %s (row binding)', (_case, other) => {
    const sealed = cipher.seal(new PlaintextSecret(token), context);
    expectDecryptionFailed(() => cipher.open(sealed, other));
  });

  it('refuses a ciphertext moved to another row with its own wrapped key kept', () => {
    const a = cipher.seal(new PlaintextSecret(token), context);
    const b = cipher.seal(new PlaintextSecret('other-secret-value'), context);
    expectDecryptionFailed(() => cipher.open({ ...b, ciphertext: a.ciphertext, iv: a.iv, tag: a.tag }, context));
    expectDecryptionFailed(() => cipher.open({ ...a, wrappedKey: b.wrappedKey }, context));
  });

  describe('tampering', () => {
    const sealed = cipher.seal(new PlaintextSecret(token), context);
    const fields = ['ciphertext', 'tag', 'iv', 'wrappedKey'] as const;

    it.each(fields)('a flipped bit anywhere in %s fails', (field) => {
      const length = sealed[field].length;
      for (const index of [0, Math.floor(length / 2), length - 1]) {
        expectDecryptionFailed(() => cipher.open({ ...sealed, [field]: flipBit(sealed[field], index) }, context));
      }
    });

    it.each(fields)('a truncated %s fails', (field) => {
      expectDecryptionFailed(() => cipher.open({ ...sealed, [field]: sealed[field].subarray(0, -1) }, context));
    });

    it('a tag cut to 4 bytes fails (Node would accept short tags unless pinned)', () => {
      expectDecryptionFailed(() => cipher.open({ ...sealed, tag: sealed.tag.subarray(0, 4) }, context));
    });

    it('an empty ciphertext and a missing field fail', () => {
      expectDecryptionFailed(() => cipher.open({ ...sealed, ciphertext: Buffer.alloc(0) }, context));
      expectDecryptionFailed(() => cipher.open({ ...sealed, tag: undefined } as unknown as SealedSecret, context));
    });

    it('a key id changed to another key in the ring fails', () => {
      const both = cipherWith(['k1', k1], ['k2', k2]);
      expectDecryptionFailed(() => both.open({ ...sealed, keyId: 'k2' }, context));
    });

    it('accepts Uint8Array fields as read back from some drivers', () => {
      const asUint8 = (b: Buffer) => new Uint8Array(b) as Buffer;
      const row = { ...sealed, iv: asUint8(sealed.iv), tag: asUint8(sealed.tag), wrappedKey: asUint8(sealed.wrappedKey), ciphertext: asUint8(sealed.ciphertext) };
      expect(cipher.open(row, context).reveal()).toBe(token);
    });
  });

  it('an unknown key id fails with ENCRYPTION_KEY_UNKNOWN naming the id', () => {
    const sealed = cipher.seal(new PlaintextSecret(token), context);
    const error = appError(() => cipherWith(['k2', k2]).open(sealed, context));
    expect(error.code).toBe(ErrorCode.ENCRYPTION_KEY_UNKNOWN);
    expect(error.message).toContain('"k1"');
    expect(error.details).toEqual({ keyId: 'k1' });
  });

  it.each([0, 2, '1', undefined])('an unknown version (%p) fails with DECRYPTION_FAILED', (version) => {
    const sealed = cipher.seal(new PlaintextSecret(token), context);
    const error = appError(() => cipher.open({ ...sealed, version } as unknown as SealedSecret, context));
    expect(error.code).toBe(ErrorCode.DECRYPTION_FAILED);
    expect(() => cipher.rewrap({ ...sealed, version } as unknown as SealedSecret)).toThrow(AppException);
  });

  it('never puts the secret in an error', () => {
    const sealed = cipher.seal(new PlaintextSecret(token), context);
    const error = appError(() => cipher.open(sealed, { ...context, tenantId: 'tenant-b' }));
    expect(JSON.stringify({ m: error.message, s: error.stack, d: error.details })).not.toContain('canary');
  });

  it('refuses an empty seal context', () => {
    expect(() => cipher.seal(new PlaintextSecret(token), { ...context, accountId: '' })).toThrow(TypeError);
  });

  describe('key rotation', () => {
    const before = cipherWith(['k1', k1]);
    const during = cipherWith(['k1', k1], ['k2', k2]);
    const after = cipherWith(['k2', k2]);
    const old = before.seal(new PlaintextSecret(token), context);

    it('old rows still open once k2 is primary, and new rows use k2', () => {
      expect(during.open(old, context).reveal()).toBe(token);
      expect(during.needsRewrap(old)).toBe(true);
      const fresh = during.seal(new PlaintextSecret(token), context);
      expect(fresh.keyId).toBe('k2');
      expect(during.needsRewrap(fresh)).toBe(false);
      expect(after.open(fresh, context).reveal()).toBe(token);
    });

    it('rewrap moves the data key to k2 without touching the data ciphertext', () => {
      const moved = during.rewrap(old);
      expect(moved.keyId).toBe('k2');
      expect(moved.ciphertext).toBe(old.ciphertext);
      expect(moved.iv).toBe(old.iv);
      expect(moved.tag).toBe(old.tag);
      expect(moved.wrappedKey.equals(old.wrappedKey)).toBe(false);
      expect(during.needsRewrap(moved)).toBe(false);
      expect(after.open(moved, context).reveal()).toBe(token);
      // The old key id cannot be reused with the new wrapped key.
      expectDecryptionFailed(() => during.open({ ...moved, keyId: 'k1' }, context));
    });

    it('rewrap needs no context, so it cannot decrypt the secret', () => {
      expect(during.rewrap.length).toBe(1);
      const garbage = { ...old, ciphertext: randomBytes(old.ciphertext.length) };
      expect(during.rewrap(garbage).ciphertext).toBe(garbage.ciphertext);
    });

    it('rewrap is idempotent: a second run returns the identical object', () => {
      const once = during.rewrap(old);
      expect(during.rewrap(once)).toBe(once);
      const fresh = during.seal(new PlaintextSecret(token), context);
      expect(during.rewrap(fresh)).toBe(fresh);
    });

    it('rewrap of a row whose key is gone fails with ENCRYPTION_KEY_UNKNOWN', () => {
      const withoutK1 = cipherWith(['k3', randomBytes(32)]);
      expect(appError(() => withoutK1.rewrap(old)).code).toBe(ErrorCode.ENCRYPTION_KEY_UNKNOWN);
      expect(appError(() => after.open(old, context)).code).toBe(ErrorCode.ENCRYPTION_KEY_UNKNOWN);
    });

    it('rewrap of a tampered wrapped key fails instead of wrapping garbage', () => {
      expectDecryptionFailed(() => during.rewrap({ ...old, wrappedKey: flipBit(old.wrappedKey, 40) }));
    });
  });
});
