import type { PlaintextSecret } from '../crypto/plaintext-secret.js';

/** Access bits of the `1password.com/vts` claim [inferred from connect-api.md: read=16, write=32]. */
const READ_BIT = 16;
const WRITE_BIT = 32;
const VAULTS_CLAIM = '1password.com/vts';
/** A vault id as Connect writes them; anything else in the claim is ignored. */
const VAULT_ID = /^[a-z0-9]{26}$/;
const MAX_VAULTS = 1000;

export interface ClaimedVaultAccess {
  id: string;
  read: boolean;
  write: boolean;
}

/**
 * The vaults a Connect token grants, read from its JWT payload claim `1password.com/vts: [{u, a}]`.
 * The signature is not checked (only the Connect server can): this is display information, never an
 * authorisation decision. Returns undefined for a token that is not a JWT with that claim. Only the payload
 * segment is decoded; the result holds vault ids and booleans, nothing of the token itself.
 */
export function vaultAccessFromClaims(token: PlaintextSecret): ClaimedVaultAccess[] | undefined {
  const parts = token.reveal().split('.');
  if (parts.length !== 3 || parts[1].length === 0 || parts[1].length > 16_384) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const vts = (claims as Record<string, unknown> | null)?.[VAULTS_CLAIM];
  if (!Array.isArray(vts)) return undefined;
  const byId = new Map<string, ClaimedVaultAccess>();
  for (const entry of vts.slice(0, MAX_VAULTS)) {
    const { u, a } = (entry ?? {}) as { u?: unknown; a?: unknown };
    if (typeof u !== 'string' || !VAULT_ID.test(u) || typeof a !== 'number' || !Number.isInteger(a)) continue;
    const previous = byId.get(u);
    byId.set(u, { id: u, read: (previous?.read ?? false) || (a & READ_BIT) !== 0, write: (previous?.write ?? false) || (a & WRITE_BIT) !== 0 });
  }
  return [...byId.values()];
}
