import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { CryptoConfigException } from '../../src/crypto/crypto.exception.js';
import { KeyRing } from '../../src/crypto/key-ring.js';
import { parseKeyRing } from '../../src/crypto/parse-key-ring.util.js';

const b64 = (bytes = 32) => randomBytes(bytes).toString('base64');
const b64url = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** Asserts a clear config error that echoes none of the given key strings. */
function expectConfigError(run: () => unknown, message: RegExp, secrets: string[]): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CryptoConfigException);
  const text = `${(caught as Error).message} ${(caught as Error).stack} ${inspect(caught)}`;
  expect((caught as Error).message).toMatch(message);
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(0, 12));
  }
}

describe('parseKeyRing', () => {
  it('parses ids and keys, the last key is primary by default', () => {
    const ring = parseKeyRing(`k1:${b64()},k2:${b64url()}`);
    expect(ring.ids()).toEqual(['k1', 'k2']);
    expect(ring.primary.id).toBe('k2');
    expect(ring.get('k1')?.id).toBe('k1');
    expect(ring.get('k1')?.key.symmetricKeySize).toBe(32);
    expect(ring.get('nope')).toBeUndefined();
  });

  it('accepts unpadded base64, spaces around entries and an explicit primary', () => {
    const ring = parseKeyRing(` a:${b64().replace(/=$/, '')} , b:${b64()} `, 'a');
    expect(ring.primary.id).toBe('a');
  });

  it('rejects a key of the wrong length without echoing it', () => {
    const short = b64(16);
    expectConfigError(() => parseKeyRing(`k1:${short}`), /entry #1: the key must be 32 random bytes.*got 24/, [short]);
    const long = b64(48);
    expectConfigError(() => parseKeyRing(`k1:${b64()},k2:${long}`), /entry #2/, [long]);
  });

  it('rejects characters outside base64 instead of silently skipping them', () => {
    const bad = `${b64().slice(0, 40)}!!!=`;
    expectConfigError(() => parseKeyRing(`k1:${bad}`), /entry #1/, [bad]);
  });

  it('rejects duplicate ids', () => {
    const [x, y] = [b64(), b64()];
    expectConfigError(() => parseKeyRing(`k1:${x},k1:${y}`), /"k1" is listed more than once/, [x, y]);
  });

  it('rejects an unknown primary and lists the known ids', () => {
    const x = b64();
    expectConfigError(() => parseKeyRing(`k1:${x}`, 'k9'), /Primary encryption key "k9" is not in the key ring \(known ids: k1\)/, [x]);
  });

  it('rejects an entry without id, a malformed id and an empty string', () => {
    const x = b64();
    expectConfigError(() => parseKeyRing(x), /entry #1 is not in the form id:base64key/, [x]);
    expectConfigError(() => parseKeyRing(`bad id!:${x}`), /key #1: the id must be/, [x]);
    expectConfigError(() => parseKeyRing(' , '), /ENCRYPTION_KEYS is empty/, []);
  });

  it('never prints key material when the ring is logged', () => {
    const x = b64();
    const ring = parseKeyRing(`k1:${x}`);
    const shown = `${inspect(ring, { showHidden: true, depth: 10 })} ${JSON.stringify(ring)} ${inspect(ring.primary, { showHidden: true })}`;
    expect(shown).not.toContain(x);
    expect(shown).not.toContain(Buffer.from(x, 'base64').toString('hex'));
    expect(JSON.stringify(ring)).toBe('{"ids":["k1"],"primary":"k1"}');
  });
});

describe('KeyRing', () => {
  it('validates raw material too', () => {
    expect(() => new KeyRing([])).toThrow(CryptoConfigException);
    expect(() => new KeyRing([{ id: 'k', material: randomBytes(31) }])).toThrow(/"k" must be exactly 32 bytes \(got 31 bytes\)/);
  });
});
