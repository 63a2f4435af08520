import type { SealContext } from '../crypto/seal-context.js';
import type { SealedSecret } from '../crypto/sealed-secret.js';

declare const sealedColumn: unique symbol;

/**
 * A column value that can only come out of a SealedSecret. The brand exists only for the compiler: a plain
 * Buffer or string (a token, say) is not assignable to it, so plaintext cannot be written to a token column
 * by mistake. Values are produced only by `sealedTokenColumns()` below (and by TypeORM reading rows).
 */
export type Sealed<T> = T & { readonly [sealedColumn]: true };

/** What the Connect token is sealed for; part of the AES-GCM associated data. */
export const CONNECT_TOKEN_PURPOSE = 'connect-token';

/** The token columns of a connected account: exactly the SealedSecret parts, nothing that opens on its own. */
export interface SealedTokenColumns {
  tokenVersion: Sealed<1>;
  tokenKeyId: Sealed<string>;
  tokenIv: Sealed<Buffer>;
  tokenTag: Sealed<Buffer>;
  tokenWrappedKey: Sealed<Buffer>;
  tokenCiphertext: Sealed<Buffer>;
}

/** The one way to fill the token columns. Fields are named, not spread, so nothing else travels along. */
export function sealedTokenColumns(sealed: SealedSecret): SealedTokenColumns {
  return {
    tokenVersion: sealed.version as Sealed<1>,
    tokenKeyId: sealed.keyId as Sealed<string>,
    tokenIv: sealed.iv as Sealed<Buffer>,
    tokenTag: sealed.tag as Sealed<Buffer>,
    tokenWrappedKey: sealed.wrappedKey as Sealed<Buffer>,
    tokenCiphertext: sealed.ciphertext as Sealed<Buffer>,
  };
}

/** The SealedSecret stored in a row (entity or raw), for EnvelopeCipher.open / rewrap. */
export function sealedTokenOf(columns: SealedTokenColumns): SealedSecret {
  return {
    version: columns.tokenVersion,
    keyId: columns.tokenKeyId,
    iv: columns.tokenIv,
    tag: columns.tokenTag,
    wrappedKey: columns.tokenWrappedKey,
    ciphertext: columns.tokenCiphertext,
  };
}

/** Where a connected account's token lives: the AAD that binds its ciphertext to this tenant and account. */
export function tokenSealContext(tenantId: string, accountId: string): SealContext {
  return { tenantId, accountId, purpose: CONNECT_TOKEN_PURPOSE };
}
