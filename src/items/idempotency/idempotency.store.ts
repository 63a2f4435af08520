import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { AppException } from '../../common/errors/app-exception.js';
import { ErrorCode } from '../../common/errors/error-code.enum.js';
import { AppConfig } from '../../config/app-config.js';
import { KeyRing } from '../../crypto/key-ring.js';
import { TenantTransaction } from '../../database/tenant-transaction.js';
import { requestHash } from './request-hash.util.js';

/** How long a key (and the replay of its result) lives. */
export const IDEMPOTENCY_TTL_HOURS = 24;
const MIN_LEASE_MS = 60_000;

/** What `claim` found for a key. */
export type IdempotencyClaim =
  /** Nobody used the key: the caller owns it and creates the item. */
  | { kind: 'new' }
  /** A create with this key succeeded: answer with that item. */
  | { kind: 'replay'; vaultId: string; itemId: string }
  /** An earlier attempt ended without a known outcome (lost answer, crash): the caller owns the key again and must check for its item first. */
  | { kind: 'recover'; since: Date };

interface Row {
  account_id: string;
  request_hash: Buffer;
  hash_key_id: string;
  state: 'in_progress' | 'completed' | 'unknown';
  vault_id: string | null;
  item_id: string | null;
  lease_active: boolean;
  created_at: Date;
}

/**
 * The idempotency_keys table. Each step is its own short transaction, so no database transaction stays open
 * across a Connect call. A concurrent duplicate meets the row its twin inserted: the primary key
 * (tenant, key) makes exactly one of them the owner.
 */
@Injectable()
export class IdempotencyStore {
  private readonly leaseMs: number;

  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly keyRing: KeyRing,
    config: AppConfig,
  ) {
    // The owner's Connect call ends (answer, timeout or retries exhausted) well within this.
    const { requestTimeoutMs, maxRetries } = config.connect;
    this.leaseMs = Math.max(MIN_LEASE_MS, 2 * requestTimeoutMs * (maxRetries + 1));
  }

  /**
   * Claims `key` for `request` (anything JSON: account, vault and body). Throws 422 IDEMPOTENCY_KEY_REUSED when
   * the key was used for another request, 409 IDEMPOTENCY_REQUEST_IN_PROGRESS while its owner is still working.
   */
  claim(tenantId: string, accountId: string, key: string, request: unknown): Promise<IdempotencyClaim> {
    const primary = this.keyRing.primary;
    const hash = requestHash(primary.key, request);
    return this.tenantTransaction.run(tenantId, async (manager) => {
      // Housekeeping, cheap on the (tenant_id, expires_at) index: expired keys are forgotten.
      await manager.query('DELETE FROM idempotency_keys WHERE tenant_id = $1 AND expires_at < now()', [tenantId]);
      const inserted: unknown[] = await manager.query(
        `INSERT INTO idempotency_keys (tenant_id, idempotency_key, account_id, request_hash, hash_key_id, state, lease_expires_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, 'in_progress', now() + make_interval(secs => $6), now() + make_interval(hours => $7))
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING 1`,
        [tenantId, key, accountId, hash, primary.id, this.leaseMs / 1000, IDEMPOTENCY_TTL_HOURS],
      );
      if (inserted.length === 1) return { kind: 'new' };

      const rows: Row[] = await manager.query(
        `SELECT account_id, request_hash, hash_key_id, state, vault_id, item_id, lease_expires_at > now() AS lease_active, created_at
         FROM idempotency_keys WHERE tenant_id = $1 AND idempotency_key = $2 FOR UPDATE`,
        [tenantId, key],
      );
      const row = rows[0];
      if (!row) throw new AppException(ErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS, 'A create with this Idempotency-Key is still in progress; retry in a few seconds');
      if (row.account_id !== accountId || !this.sameRequest(row, request)) {
        throw new AppException(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used with a different request (body, vault or connected account); use a new key');
      }
      if (row.state === 'completed') return { kind: 'replay', vaultId: row.vault_id!, itemId: row.item_id! };
      if (row.state === 'in_progress' && row.lease_active) {
        throw new AppException(ErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS, 'A create with this Idempotency-Key is still in progress; retry in a few seconds');
      }
      await manager.query(
        `UPDATE idempotency_keys SET state = 'in_progress', lease_expires_at = now() + make_interval(secs => $3), updated_at = now()
         WHERE tenant_id = $1 AND idempotency_key = $2`,
        [tenantId, key, this.leaseMs / 1000],
      );
      return { kind: 'recover', since: row.created_at };
    });
  }

  /** The create succeeded: later claims replay this item. */
  async complete(tenantId: string, key: string, vaultId: string, itemId: string, itemVersion: number | undefined): Promise<void> {
    await this.tenantTransaction.run(tenantId, (manager) =>
      manager.query(
        `UPDATE idempotency_keys SET state = 'completed', vault_id = $3, item_id = $4, item_version = $5, updated_at = now()
         WHERE tenant_id = $1 AND idempotency_key = $2`,
        [tenantId, key, vaultId, itemId, Number.isSafeInteger(itemVersion) ? itemVersion : null],
      ),
    );
  }

  /** The create certainly did not happen (refused before or by Connect): the key is free again. */
  async release(tenantId: string, key: string): Promise<void> {
    await this.tenantTransaction.run(tenantId, (manager) =>
      manager.query(`DELETE FROM idempotency_keys WHERE tenant_id = $1 AND idempotency_key = $2 AND state <> 'completed'`, [tenantId, key]),
    );
  }

  /** The create may or may not have happened: the next claim recovers (looks for the item before creating). */
  async markUnknown(tenantId: string, key: string): Promise<void> {
    await this.tenantTransaction.run(tenantId, (manager) =>
      manager.query(
        `UPDATE idempotency_keys SET state = 'unknown', lease_expires_at = now(), updated_at = now()
         WHERE tenant_id = $1 AND idempotency_key = $2 AND state <> 'completed'`,
        [tenantId, key],
      ),
    );
  }

  private sameRequest(row: Row, request: unknown): boolean {
    const kek = this.keyRing.get(row.hash_key_id);
    if (!kek) return false;
    const hash = requestHash(kek.key, request);
    return hash.length === row.request_hash.length && timingSafeEqual(hash, row.request_hash);
  }
}
