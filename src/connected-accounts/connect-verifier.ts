import { Injectable } from '@nestjs/common';
import { cleanText } from '../audit/audit-sanitize.util.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { Vault } from '../connect/connect-api.types.js';
import { ConnectClientFactory } from '../connect/connect-client.factory.js';
import type { PlaintextSecret } from '../crypto/plaintext-secret.js';
import type { TokenVaultAccess } from './connected-account.entity.js';
import { vaultAccessFromClaims } from './token-claims.util.js';

/** The checks, in order: the server answers, is a ready Connect server, and accepts the token. */
export type VerificationStep = 'heartbeat' | 'health' | 'vaults';

/** `/health` dependency that must be ACTIVE: Connect's sync with 1Password. */
const SYNC_SERVICE = 'sync';
const SYNC_READY_STATUS = 'ACTIVE';
/** Stored per account for display; a token seeing more vaults than this is shown truncated. */
const MAX_STORED_VAULTS = 1000;

export type VerificationOutcome =
  | { ok: true; checkedAt: Date; serverVersion: string; vaults: TokenVaultAccess[] }
  | {
      ok: false;
      checkedAt: Date;
      step: VerificationStep;
      /** The specific failure, e.g. CONNECT_UNREACHABLE; `details.reason` of the 422. */
      reason: ErrorCode;
      message: string;
      /** Safe context from the Connect client (network error code, Connect status, sanitised Connect message). */
      details: Record<string, unknown>;
      serverVersion: string | null;
    };

export type VerificationFailure = Extract<VerificationOutcome, { ok: false }>;

/** Reasons a verification can fail with; documented in Swagger as `details.reason`. */
export const VERIFICATION_FAILURE_REASONS: readonly ErrorCode[] = [
  ErrorCode.CONNECT_UNREACHABLE,
  ErrorCode.CONNECT_TLS_ERROR,
  ErrorCode.CONNECT_TIMEOUT,
  ErrorCode.CONNECT_NOT_A_CONNECT_SERVER,
  ErrorCode.CONNECT_SYNC_NOT_READY,
  ErrorCode.CONNECT_TOKEN_REJECTED,
  ErrorCode.CONNECT_FORBIDDEN,
  ErrorCode.CONNECT_UNAVAILABLE,
  ErrorCode.CONNECT_BAD_REQUEST,
];

/**
 * Checks a Connect Server URL and token before they are stored (and on demand): `/heartbeat` answers like
 * Connect, `/health` has Connect's shape and reports its sync ACTIVE, `/v1/vaults` accepts the token.
 * Every check runs on a throw-away client, so an account's circuit breaker never hides the real state.
 */
@Injectable()
export class ConnectVerifier {
  constructor(private readonly clients: ConnectClientFactory) {}

  async verify(connectServerUrl: string, token: PlaintextSecret, accountId: string): Promise<VerificationOutcome> {
    const client = this.clients.create({ baseUrl: connectServerUrl, token: token.reveal(), accountId });
    let step: VerificationStep = 'heartbeat';
    try {
      await client.heartbeat();
      step = 'health';
      const { health, serverVersion } = await client.health();
      const sync = health.dependencies?.find((dependency) => dependency.service === SYNC_SERVICE);
      if (sync && sync.status !== SYNC_READY_STATUS) {
        throw new AppException(ErrorCode.CONNECT_SYNC_NOT_READY, `The Connect server's sync with 1Password is not ready (status ${sync.status.slice(0, 40)})`, {
          syncStatus: sync.status.slice(0, 40),
        });
      }
      step = 'vaults';
      const vaults = await client.listVaults();
      return { ok: true, checkedAt: new Date(), serverVersion: client.serverVersion ?? serverVersion, vaults: mergeVaults(vaults, token) };
    } catch (error) {
      // Anything but a mapped Connect failure is a bug: let it surface as a 500.
      if (!(error instanceof AppException)) throw error;
      return {
        ok: false,
        checkedAt: new Date(),
        step,
        reason: error.code,
        message: `Connect server verification failed at ${STEP_LABELS[step]}: ${error.message}`,
        details: error.details ?? {},
        serverVersion: client.serverVersion ?? null,
      };
    } finally {
      client.destroy();
    }
  }

  /** The 422 for a create or update whose verification failed. */
  static toException(failure: VerificationFailure): AppException {
    return new AppException(ErrorCode.CONNECT_VERIFICATION_FAILED, failure.message, { reason: failure.reason, step: failure.step, ...failure.details });
  }
}

const STEP_LABELS: Record<VerificationStep, string> = {
  heartbeat: 'GET /heartbeat',
  health: 'GET /health',
  vaults: 'GET /v1/vaults',
};

/** The vault list, with read/write from the token's claims where they decode; claimed vaults the list lacks are kept too. */
function mergeVaults(listed: Vault[], token: PlaintextSecret): TokenVaultAccess[] {
  const claimed = vaultAccessFromClaims(token);
  const access = new Map(claimed?.map((vault) => [vault.id, vault]));
  const out: TokenVaultAccess[] = [];
  const seen = new Set<string>();
  for (const vault of listed) {
    // Stored in jsonb, which refuses U+0000 and lone surrogates: a name is cleaned like audit text, an id that
    // would need cleaning is skipped (changed, it would name no vault).
    if (typeof vault?.id !== 'string' || vault.id !== cleanText(vault.id, 200) || seen.has(vault.id)) continue;
    seen.add(vault.id);
    const claim = access.get(vault.id);
    out.push({ id: vault.id, name: typeof vault.name === 'string' ? cleanText(vault.name, 200) : null, read: claim?.read ?? null, write: claim?.write ?? null });
  }
  for (const claim of claimed ?? []) {
    if (!seen.has(claim.id)) out.push({ id: claim.id, name: null, read: claim.read, write: claim.write });
  }
  return out.slice(0, MAX_STORED_VAULTS);
}
