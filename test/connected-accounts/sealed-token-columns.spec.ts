import { randomBytes } from 'node:crypto';
import { ConnectedAccount } from '../../src/connected-accounts/connected-account.entity.js';
import { sealedTokenColumns, sealedTokenOf, tokenSealContext } from '../../src/connected-accounts/sealed-token.columns.js';
import { vaultAccessFromClaims } from '../../src/connected-accounts/token-claims.util.js';
import { EnvelopeCipher } from '../../src/crypto/envelope-cipher.js';
import { KeyRing } from '../../src/crypto/key-ring.js';
import { PlaintextSecret } from '../../src/crypto/plaintext-secret.js';

/**
 * Compile-time proof, checked by `tsc --noEmit`: each line below must be a type error, or the
 * `@ts-expect-error` itself fails the type-check. Never called at run time.
 */
export function plaintextCannotReachATokenColumn(account: ConnectedAccount, token: string, secret: PlaintextSecret): void {
  // @ts-expect-error a plain Buffer (e.g. the token's bytes) is not a sealed column
  account.tokenCiphertext = Buffer.from(token);
  // @ts-expect-error a string is not a sealed column
  account.tokenKeyId = token;
  // @ts-expect-error nor is the PlaintextSecret itself
  account.tokenCiphertext = secret;
  // @ts-expect-error a hand-made object is not the output of sealedTokenColumns()
  Object.assign<ConnectedAccount, Pick<ConnectedAccount, 'tokenWrappedKey'>>(account, { tokenWrappedKey: Buffer.alloc(60) });
}

describe('sealed token columns', () => {
  const cipher = new EnvelopeCipher(new KeyRing([{ id: 'k1', material: randomBytes(32) }]));
  const context = tokenSealContext('6f0c9a1e-3b7d-4a43-9e63-0b1c2d3e4f50', '7d3c2a10-5b6e-4f7a-8c9d-0e1f2a3b4c5d');

  it('round-trips through the entity columns and opens only in its own context', () => {
    const account = new ConnectedAccount();
    Object.assign(account, sealedTokenColumns(cipher.seal(new PlaintextSecret('eyJ.token.sig'), context)));
    expect(cipher.open(sealedTokenOf(account), context).reveal()).toBe('eyJ.token.sig');
    expect(() => cipher.open(sealedTokenOf(account), { ...context, accountId: 'another' })).toThrow('A stored secret could not be decrypted');
    expect(context.purpose).toBe('connect-token');
  });

  it('carries only the six sealed parts', () => {
    const sealed = cipher.seal(new PlaintextSecret('x'.repeat(40)), context);
    const columns = sealedTokenColumns({ ...sealed, extra: 'leak' } as typeof sealed);
    expect(Object.keys(columns).sort()).toEqual(['tokenCiphertext', 'tokenIv', 'tokenKeyId', 'tokenTag', 'tokenVersion', 'tokenWrappedKey']);
  });

  it('the entity serialises without its sealed bytes', () => {
    const account = Object.assign(new ConnectedAccount(), { id: 'a', tenantId: 't', name: 'n', connectServerUrl: 'http://x' });
    Object.assign(account, sealedTokenColumns(cipher.seal(new PlaintextSecret('secret-token-value'), context)));
    const json = JSON.stringify(account);
    expect(json).not.toContain('ciphertext');
    expect(json).not.toContain(account.tokenCiphertext.toString('hex'));
    expect(json).toContain('"tokenKeyId":"k1"');
  });
});

describe('vault access from the token claims', () => {
  const jwt = (claims: unknown) => `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
  const v = (name: string) => name.padEnd(26, '0');

  it('decodes 1password.com/vts with read=16 and write=32', () => {
    const token = jwt({ '1password.com/vts': [{ u: v('read'), a: 16 }, { u: v('both'), a: 48 }, { u: v('write'), a: 32 }, { u: v('none'), a: 0 }] });
    expect(vaultAccessFromClaims(new PlaintextSecret(token))).toEqual([
      { id: v('read'), read: true, write: false },
      { id: v('both'), read: true, write: true },
      { id: v('write'), read: false, write: true },
      { id: v('none'), read: false, write: false },
    ]);
  });

  it.each([
    ['not a JWT', 'plain-token-value'],
    ['bad base64/JSON payload', 'eyJ.%%%.sig'],
    ['no vts claim', jwt({ sub: 'x' })],
    ['vts not an array', jwt({ '1password.com/vts': 'all' })],
  ])('returns undefined for %s', (_label, token) => {
    expect(vaultAccessFromClaims(new PlaintextSecret(token))).toBeUndefined();
  });

  it('skips malformed entries', () => {
    const token = jwt({ '1password.com/vts': [{ u: 'short', a: 16 }, { u: v('ok'), a: 'x' }, null, { u: v('good'), a: 16 }] });
    expect(vaultAccessFromClaims(new PlaintextSecret(token))).toEqual([{ id: v('good'), read: true, write: false }]);
  });
});
