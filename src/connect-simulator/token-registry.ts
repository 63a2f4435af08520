import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { CONNECT_MESSAGES } from './connect-api.constants.js';
import { ConnectError } from './connect-error.js';
import { generateId, generateUserId } from './id.util.js';
import type { SimulatorToken, VaultPermission } from './simulator-options.types.js';
import { TokenGrant, type VaultAccess } from './token-grant.js';

/** Vault access bits in the `1password.com/vts` claim [inferred: read=16, write=32, read+write=48]. */
const READ_BIT = 16;
const WRITE_BIT = 32;

interface ConnectTokenClaims {
  '1password.com/auuid': string;
  '1password.com/token': string;
  '1password.com/fts': string[];
  '1password.com/vts': { u: string; a: number }[];
  aud: string[];
  iss: string;
  sub: string;
  iat: number;
  jti: string;
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

function toAccess(permissions: readonly VaultPermission[]): VaultAccess {
  if (!Array.isArray(permissions) || permissions.some((p) => p !== 'read' && p !== 'write')) {
    throw new Error(`token permissions must be "read" and/or "write", got ${JSON.stringify(permissions)}`);
  }
  return { read: permissions.includes('read'), write: permissions.includes('write') };
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Issues and checks bearer tokens. Minted tokens are JWTs (HS256 with a per-simulator secret) carrying
 * their vault scopes in claims like real Connect tokens; seed tokens are plain strings accepted as-is.
 */
export class TokenRegistry {
  readonly accountId = generateUserId();
  readonly userId = generateUserId();
  readonly tokens: SimulatorToken[] = [];
  private readonly secret = randomBytes(32);
  private readonly kid = generateId();
  private readonly grants = new Map<string, TokenGrant>();

  /** Registers a plain seed token; `vaults` is keyed by vault id or `*`. */
  register(token: string, vaults: Record<string, VaultPermission[]>): void {
    const scoped = new Map<string, VaultAccess>();
    let everyVault: VaultAccess | undefined;
    for (const [vaultId, permissions] of Object.entries(vaults)) {
      if (vaultId === '*') everyVault = toAccess(permissions);
      else scoped.set(vaultId, toAccess(permissions));
    }
    this.grants.set(token, new TokenGrant(generateId(), this.userId, this.accountId, scoped, everyVault));
    this.tokens.push({ token, vaults: structuredClone(vaults) });
  }

  /** Mints a signed JWT granting `vaults` (keyed by vault id). */
  mint(vaults: Record<string, VaultPermission[]>): string {
    const claims: ConnectTokenClaims = {
      '1password.com/auuid': this.accountId,
      '1password.com/token': randomBytes(16).toString('base64url'),
      '1password.com/fts': ['vaultaccess'],
      '1password.com/vts': Object.entries(vaults).map(([u, permissions]) => {
        const access = toAccess(permissions);
        return { u, a: (access.read ? READ_BIT : 0) | (access.write ? WRITE_BIT : 0) };
      }),
      aud: ['com.1password.connect'],
      iss: 'com.1password.b5',
      sub: this.userId,
      iat: Math.floor(Date.now() / 1000),
      jti: generateId(),
    };
    const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', kid: this.kid, typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
    const token = `${unsigned}.${this.sign(unsigned)}`;
    this.tokens.push({ token, vaults: structuredClone(vaults) });
    return token;
  }

  /** Resolves an `Authorization` header, or throws the 401 Connect answers. */
  authenticate(authorization: string | undefined): TokenGrant {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw new ConnectError(401, CONNECT_MESSAGES.invalidBearer);
    const token = match[1];
    const known = this.grants.get(token);
    if (known) return known;
    const grant = this.verifyJwt(token);
    this.grants.set(token, grant);
    return grant;
  }

  /** Whether `authorization` carries a token this server accepts. */
  accepts(authorization: string): boolean {
    try {
      this.authenticate(authorization);
      return true;
    } catch {
      return false;
    }
  }

  private verifyJwt(token: string): TokenGrant {
    const parts = token.split('.');
    const header = parts.length === 3 ? decodeJson(parts[0]) : undefined;
    if (typeof header !== 'object' || header === null || !('alg' in header)) throw new ConnectError(401, CONNECT_MESSAGES.invalidBearer);
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const actual = Buffer.from(parts[2]);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new ConnectError(401, CONNECT_MESSAGES.invalidSignature);
    }
    const claims = decodeJson(parts[1]) as ConnectTokenClaims;
    const vaults = new Map<string, VaultAccess>(
      claims['1password.com/vts'].map(({ u, a }) => [u, { read: (a & READ_BIT) !== 0, write: (a & WRITE_BIT) !== 0 }]),
    );
    return new TokenGrant(claims.jti, claims.sub, claims['1password.com/auuid'], vaults);
  }

  private sign(unsigned: string): string {
    return createHmac('sha256', this.secret).update(unsigned).digest('base64url');
  }
}
